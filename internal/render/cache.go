package render

import (
	"bytes"
	"html/template"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"

	"github.com/octoacme/kb/internal/model"
)

// The parts of a page that are the same on many pages — the header and
// the footer above all — are rendered once and reused. Which parts those
// are is read from the layouts themselves, so that a site's own theme
// gains the same without saying anything: a template called with the
// page's data ({{template "partials/footer.html" .}}) whose output can
// depend on nothing of that data but .Site, .Kind, .Section and .Tag
// (read through fields, their fields and methods, and functions given
// them) renders to the same bytes for every page with the same values of
// those; a template that reads anything else of the page (its title,
// breadcrumbs, a method of the data such as .Canonical, a function given
// the data itself such as jsonld) is rendered every time.
//
// The call is rewritten, once html/template has escaped the set (its
// first execution), into
//
//	{{if kbCached "partials/footer.html" .}}{{else}}{{template "partials/footer.html" .}}{{$kbTick := kbStore}}{{end}}
//
// kbCached writes the bytes rendered before for the same values and is
// true, or starts recording what the executor writes; the unchanged
// template call then runs exactly as before (its errors, its ticks and
// its escaping are the original's), and kbStore keeps what it wrote. The
// cache belongs to the Renderer and holds one site: kb serve gives the
// Renderer a new *model.Site after every change, and the cache is emptied.
//
// Only calls in HTML text (the escaper's default context, the name kept)
// are rewritten; the bytes reused are those the same template, escaped
// the same way, wrote for the same values.

// reuseParts turns the reuse on; tests turn it off to compare.
var reuseParts = true

const (
	cachedFunc = "kbCached"
	storeFunc  = "kbStore"
)

// partKey says which output of a template a page reuses. set is the kind
// whose template set holds the template (a layout may redefine a
// partial), the other fields the values of the data it depends on (zero
// when it does not).
type partKey struct {
	set, name, kind string
	section         *model.Section
	tag             *model.Tag
}

// parts is the cache of rendered parts.
type parts struct {
	hits atomic.Int64 // parts written from the cache, for tests
	mu   sync.RWMutex
	site *model.Site
	out  map[partKey][]byte
}

func (c *parts) get(site *model.Site, k partKey) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.site != site {
		return nil, false
	}
	b, ok := c.out[k]
	if ok {
		c.hits.Add(1)
	}
	return b, ok
}

func (c *parts) put(site *model.Site, k partKey, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.site != site {
		c.site, c.out = site, map[partKey][]byte{}
	}
	if _, ok := c.out[k]; !ok {
		c.out[k] = bytes.Clone(b)
	}
}

// The data fields a reused part may depend on: a bit each.
const (
	depSite = 1 << iota
	depKind
	depSection
	depTag
)

var keyFields = map[string]uint{"Site": depSite, "Kind": depKind, "Section": depSection, "Tag": depTag}

// frame is one template call being recorded.
type frame struct {
	start int
	key   partKey
	store bool
}

// tapeWriter is the writer of an execution: what is written while a part
// is being recorded is kept on the tape too.
type tapeWriter struct {
	w io.Writer
	e *executor
}

func (t *tapeWriter) Write(p []byte) (int, error) {
	if len(t.e.frames) > 0 {
		t.e.tape = append(t.e.tape, p...)
	}
	return t.w.Write(p)
}

// cached is kbCached: it writes the part rendered before and reports true,
// or starts recording the call and reports false.
func (e *executor) cachedPart(name string, dot any) (bool, error) {
	d, ok := dot.(*Data)
	deps, cacheable := e.deps[e.kind][name]
	if !ok || !cacheable {
		e.frames = append(e.frames, frame{start: len(e.tape)})
		return false, nil
	}
	k := partKey{set: e.kind, name: name}
	if deps&depKind != 0 {
		k.kind = d.Kind
	}
	if deps&depSection != 0 {
		k.section = d.Section
	}
	if deps&depTag != 0 {
		k.tag = d.Tag
	}
	if b, ok := e.r.parts.get(d.Site, k); ok {
		_, err := e.out.Write(b)
		return err == nil, err
	}
	e.frames = append(e.frames, frame{start: len(e.tape), key: k, store: d.Site == e.r.Site})
	return false, nil
}

// store is kbStore: it keeps what the call being recorded wrote.
func (e *executor) store() (string, error) {
	n := len(e.frames) - 1
	f := e.frames[n]
	e.frames = e.frames[:n]
	if f.store {
		e.r.parts.put(e.r.Site, f.key, e.tape[f.start:])
	}
	if n == 0 {
		e.tape = e.tape[:0]
	}
	return "", nil
}

// cacheParts rewrites the calls of reusable parts in the templates that
// root calls, which html/template has escaped (it escapes the templates
// a template calls when that one first runs). Templates root does not
// reach are left alone: one run later from another root would be escaped
// with the rewritten calls in it, maybe in another context.
func (e *executor) cacheParts(t *template.Template, root string) {
	a := &analysis{set: t, memo: map[string]result{}}
	deps := map[string]uint{}
	cacheable := func(name string) bool {
		if strings.Contains(name, "$htmltemplate_") {
			return false // called in another context than HTML text
		}
		r := a.template(name, aval{kind: avData})
		if r.v.kind == avAny || r.deps&^(depSite|depKind|depSection|depTag) != 0 {
			return false
		}
		deps[name] = r.deps
		return true
	}
	// Every template is analysed before any call is rewritten: the
	// analysis does not read rewritten calls.
	var trees []*parse.Tree
	for _, name := range reached(t, root) {
		tree := t.Lookup(name).Tree
		trees = append(trees, tree)
		rewrite(tree, tree.Root, cacheable, false)
	}
	for _, tree := range trees {
		rewrite(tree, tree.Root, func(name string) bool { _, ok := deps[name]; return ok }, true)
	}
	e.deps[e.kind] = deps
}

// reached lists the templates of set that root calls, itself included,
// directly or not.
func reached(set *template.Template, root string) []string {
	seen := map[string]bool{}
	var out []string
	var visit func(name string)
	var walk func(l *parse.ListNode)
	walk = func(l *parse.ListNode) {
		if l == nil {
			return
		}
		for _, n := range l.Nodes {
			switch n := n.(type) {
			case *parse.IfNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.TemplateNode:
				visit(n.Name)
			}
		}
	}
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		t := set.Lookup(name)
		if t == nil || t.Tree == nil || t.Tree.Root == nil {
			return
		}
		out = append(out, name)
		walk(t.Tree.Root)
	}
	visit(root)
	return out
}

// rewrite replaces (when apply is set), in list and the lists inside it,
// each call of a template with the data (. or $) that cacheable accepts.
func rewrite(tree *parse.Tree, list *parse.ListNode, cacheable func(name string) bool, apply bool) {
	if list == nil {
		return
	}
	for i, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.IfNode:
			rewrite(tree, n.List, cacheable, apply)
			rewrite(tree, n.ElseList, cacheable, apply)
		case *parse.WithNode:
			rewrite(tree, n.List, cacheable, apply)
			rewrite(tree, n.ElseList, cacheable, apply)
		case *parse.RangeNode:
			rewrite(tree, n.List, cacheable, apply)
			rewrite(tree, n.ElseList, cacheable, apply)
		case *parse.TemplateNode:
			if n.Pipe == nil || len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
				continue
			}
			arg := n.Pipe.Cmds[0].Args[0]
			switch a := arg.(type) {
			case *parse.DotNode:
			case *parse.VariableNode:
				if len(a.Ident) != 1 || a.Ident[0] != "$" {
					continue
				}
			default:
				continue
			}
			if cacheable(n.Name) && apply {
				list.Nodes[i] = cachedCall(tree, n, arg)
			}
		}
	}
}

// cachedCall is the rewritten call of n.
func cachedCall(tree *parse.Tree, n *parse.TemplateNode, arg parse.Node) parse.Node {
	pos := n.Position()
	call := func(fn string, args ...parse.Node) *parse.CommandNode {
		ident := parse.NewIdentifier(fn).SetTree(tree).SetPos(pos)
		return &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: append([]parse.Node{ident}, args...)}
	}
	name := &parse.StringNode{NodeType: parse.NodeString, Pos: pos, Quoted: `"` + n.Name + `"`, Text: n.Name}
	store := &parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Line: n.Line, Pipe: &parse.PipeNode{
		NodeType: parse.NodePipe, Pos: pos,
		Decl: []*parse.VariableNode{{NodeType: parse.NodeVariable, Pos: pos, Ident: []string{tickVar}}},
		Cmds: []*parse.CommandNode{call(storeFunc)},
	}}
	return &parse.IfNode{BranchNode: parse.BranchNode{
		NodeType: parse.NodeIf, Pos: pos, Line: n.Line,
		Pipe:     &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Line: n.Line, Cmds: []*parse.CommandNode{call(cachedFunc, name, arg)}},
		List:     &parse.ListNode{NodeType: parse.NodeList, Pos: pos},
		ElseList: &parse.ListNode{NodeType: parse.NodeList, Pos: pos, Nodes: []parse.Node{n, store}},
	}}
}

// The analysis: what a template's output can depend on, found by
// evaluating its tree over abstract values.
type avKind int

const (
	avDeps avKind = iota // made of the data fields in deps (and constants)
	avData               // the page's *Data itself
	avDict               // a dict of abstract values
	avAny                // anything: the output depends on more than the key
)

type aval struct {
	kind avKind
	deps uint
	dict map[string]aval
}

// flat is a value used by a function or printed: a dict or the data
// itself given to a function may be read whole.
func (v aval) flat() aval {
	switch v.kind {
	case avData:
		return aval{kind: avAny}
	case avDict:
		out := aval{}
		for _, x := range v.dict {
			out = join(out, x.flat())
		}
		return out
	}
	return v
}

func join(a, b aval) aval {
	switch {
	case a.kind == avAny || b.kind == avAny:
		return aval{kind: avAny}
	case a.kind == avDeps && b.kind == avDeps:
		return aval{deps: a.deps | b.deps}
	case a.kind == avData && b.kind == avData:
		return a
	}
	return aval{kind: avAny}
}

func (v aval) same(w aval) bool {
	if v.kind != w.kind || v.deps != w.deps || len(v.dict) != len(w.dict) {
		return false
	}
	for k, x := range v.dict {
		if y, ok := w.dict[k]; !ok || !x.same(y) {
			return false
		}
	}
	return true
}

// field is v.name: a field of the data, or anything read from a value
// that depends on some fields.
func (v aval) field(name string) aval {
	switch v.kind {
	case avData:
		if f, ok := dataType.FieldByName(name); ok && f.IsExported() {
			if bit, ok := keyFields[name]; ok {
				return aval{deps: bit}
			}
			return aval{deps: 1 << 30} // a field that is not a key
		}
		return aval{kind: avAny} // a method of the data reads any of it
	case avDict:
		if x, ok := v.dict[name]; ok {
			return x
		}
		return aval{} // a missing key is the zero value
	}
	return v
}

var dataType = reflect.TypeFor[Data]()

// result is what analysing a template found: the data fields its output
// depends on, or avAny in v.
type result struct {
	v    aval
	deps uint
}

type analysis struct {
	set   *template.Template
	memo  map[string]result // by template name and dot, see key
	depth int
}

// template analyses the template name with dot.
func (a *analysis) template(name string, dot aval) result {
	key := name + "\x00" + dot.sig()
	if r, ok := a.memo[key]; ok {
		return r
	}
	t := a.set.Lookup(name)
	if t == nil || t.Tree == nil || t.Tree.Root == nil || a.depth > 32 {
		return result{v: aval{kind: avAny}}
	}
	a.memo[key] = result{v: aval{kind: avAny}} // recursion: give up
	a.depth++
	defer func() { a.depth-- }()
	// Flow-insensitive: every variable is the join of all it is given,
	// and the template is read again until they are stable.
	s := &scope{a: a, vars: map[string]aval{"$": dot}}
	for range 8 {
		before := s.snapshot()
		s.out = aval{}
		s.list(t.Tree.Root, dot)
		if s.stable(before) {
			r := result{v: s.out, deps: s.out.deps}
			if s.out.kind != avDeps {
				r.v = aval{kind: avAny}
			}
			a.memo[key] = r
			return r
		}
	}
	return result{v: aval{kind: avAny}}
}

// sig tells abstract values apart for the memo.
func (v aval) sig() string {
	s := strconv.Itoa(int(v.kind)) + "/" + strconv.FormatUint(uint64(v.deps), 16)
	if v.kind == avDict {
		for _, k := range slices.Sorted(maps.Keys(v.dict)) {
			s += "{" + strconv.Quote(k) + ":" + v.dict[k].sig() + "}"
		}
	}
	return s
}

// scope is one template's analysis: its variables and what its output
// depends on so far.
type scope struct {
	a    *analysis
	vars map[string]aval
	out  aval
}

func (s *scope) snapshot() map[string]aval {
	m := make(map[string]aval, len(s.vars))
	for k, v := range s.vars {
		m[k] = v
	}
	return m
}

func (s *scope) stable(before map[string]aval) bool {
	if len(before) != len(s.vars) {
		return false
	}
	for k, v := range s.vars {
		if w, ok := before[k]; !ok || !v.same(w) {
			return false
		}
	}
	return true
}

// use adds what a value used by the output depends on.
func (s *scope) use(v aval) { s.out = join(s.out, v.flat()) }

func (s *scope) set(name string, v aval) {
	if old, ok := s.vars[name]; ok && !old.same(v) {
		v = join(old, v)
	}
	s.vars[name] = v
}

func (s *scope) list(l *parse.ListNode, dot aval) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		s.node(n, dot)
	}
}

func (s *scope) node(n parse.Node, dot aval) {
	switch n := n.(type) {
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	case *parse.ActionNode:
		s.use(s.pipe(n.Pipe, dot))
	case *parse.IfNode:
		s.use(s.pipe(n.Pipe, dot))
		s.list(n.List, dot)
		s.list(n.ElseList, dot)
	case *parse.WithNode:
		v := s.pipe(n.Pipe, dot)
		s.use(v)
		s.list(n.List, v)
		s.list(n.ElseList, dot)
	case *parse.RangeNode:
		v := s.pipe(n.Pipe, dot)
		s.use(v)
		elem := v.flat()
		for _, d := range n.Pipe.Decl {
			s.set(d.Ident[0], elem)
		}
		s.list(n.List, elem)
		s.list(n.ElseList, dot)
	case *parse.TemplateNode:
		arg := aval{}
		if n.Pipe != nil {
			arg = s.pipe(n.Pipe, dot)
		}
		r := s.a.template(n.Name, arg)
		s.use(r.v)
	default:
		s.out = aval{kind: avAny}
	}
}

func (s *scope) pipe(p *parse.PipeNode, dot aval) aval {
	if p == nil {
		return aval{}
	}
	var v aval
	for i, c := range p.Cmds {
		var final *aval
		if i > 0 {
			prev := v
			final = &prev
		}
		v = s.command(c, dot, final)
	}
	for _, d := range p.Decl {
		if len(p.Decl) == 1 || p.IsAssign {
			s.set(d.Ident[0], v)
		} else {
			s.set(d.Ident[0], v.flat())
		}
	}
	return v
}

func (s *scope) command(c *parse.CommandNode, dot aval, final *aval) aval {
	args := make([]aval, 0, len(c.Args))
	for _, a := range c.Args[1:] {
		args = append(args, s.arg(a, dot))
	}
	if final != nil {
		args = append(args, *final)
	}
	switch fn := c.Args[0].(type) {
	case *parse.IdentifierNode:
		switch fn.Ident {
		case "call":
			return aval{kind: avAny}
		case "dict":
			if final != nil || len(c.Args)%2 == 0 {
				return aval{kind: avAny}
			}
			d := aval{kind: avDict, dict: map[string]aval{}}
			for i := 1; i < len(c.Args); i += 2 {
				k, ok := c.Args[i].(*parse.StringNode)
				if !ok {
					return aval{kind: avAny}
				}
				d.dict[k.Text] = args[i]
			}
			return d
		}
		out := aval{}
		for _, a := range args {
			out = join(out, a.flat())
		}
		return out
	default:
		v := s.arg(fn, dot)
		if len(args) > 0 {
			// a method called with arguments
			out := v.flat()
			for _, a := range args {
				out = join(out, a.flat())
			}
			return out
		}
		return v
	}
}

func (s *scope) arg(n parse.Node, dot aval) aval {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.NilNode, *parse.BoolNode, *parse.NumberNode, *parse.StringNode:
		return aval{}
	case *parse.FieldNode:
		v := dot
		for _, f := range n.Ident {
			v = v.field(f)
		}
		return v
	case *parse.VariableNode:
		v, ok := s.vars[n.Ident[0]]
		if !ok {
			v = aval{}
			s.vars[n.Ident[0]] = v
		}
		for _, f := range n.Ident[1:] {
			v = v.field(f)
		}
		return v
	case *parse.ChainNode:
		v := s.arg(n.Node, dot)
		for _, f := range n.Field {
			v = v.field(f)
		}
		return v
	case *parse.PipeNode:
		return s.pipe(n, dot)
	case *parse.IdentifierNode:
		// a function used as a value without arguments
		return aval{}
	}
	return aval{kind: avAny}
}
