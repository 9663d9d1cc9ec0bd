package render

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"sync"
	"text/template/parse"
	"time"

	"github.com/octoacme/kb/internal/diag"
)

// A layout can loop for as long as it likes ({{range 100000000}}), and
// html/template cannot be stopped from outside while it executes: its
// loop may write nothing at all, so a writer that checks a deadline does
// not see it. The only ways a template can run long are range loops and
// templates calling templates (recursion, or a chain of templates each
// calling the next twice), so New puts an action that calls tickFunc at
// the start of every range body and of every template that calls another:
//
//	{{range .List}}{{$kbTick := kbTick}}…{{end}}
//
// It declares a variable, so it prints nothing and html/template's
// escaper leaves it alone. Between two ticks a template does no more than
// its size allows. A template's functions are fixed when it is parsed,
// and one Renderer executes its templates on several goroutines at once,
// so each execution takes an executor from a pool: a clone of the
// templates whose kbTick checks that execution's context and deadline.
// A tick is a function call (two allocations): about 3% of the time and
// 8% of the allocations of rendering the default theme.

const (
	tickFunc = "kbTick"
	tickVar  = "$kbTick"
)

// tickTemplates adds the tick action to the templates of the set t.
func tickTemplates(t *template.Template) {
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		tree := tt.Tree
		pos := parse.Pos(-1) // a template that calls none needs no tick of its own
		if addTicks(tree, tree.Root) {
			pos = tree.Root.Position()
		}
		addTick(tree, tree.Root, pos)
	}
}

// addTicks puts a tick at the start of every range body inside list, and
// reports whether list calls a template.
func addTicks(tree *parse.Tree, list *parse.ListNode) (calls bool) {
	if list == nil {
		return false
	}
	for _, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.TemplateNode:
			calls = true
		case *parse.IfNode:
			calls = addTicks(tree, n.List) || calls
			calls = addTicks(tree, n.ElseList) || calls
		case *parse.WithNode:
			calls = addTicks(tree, n.List) || calls
			calls = addTicks(tree, n.ElseList) || calls
		case *parse.RangeNode:
			calls = addTicks(tree, n.List) || calls
			addTick(tree, n.List, n.Position())
			calls = addTicks(tree, n.ElseList) || calls
		}
	}
	return calls
}

// addTick puts a tick at the start of list, at pos (none when pos < 0).
func addTick(tree *parse.Tree, list *parse.ListNode, pos parse.Pos) {
	if list == nil || pos < 0 {
		return
	}
	// The identifier carries the tree, so that an error at the tick names
	// the layout file and the line of the loop.
	ident := parse.NewIdentifier(tickFunc).SetTree(tree).SetPos(pos)
	tick := &parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Line: 0, Pipe: &parse.PipeNode{
		NodeType: parse.NodePipe, Pos: pos,
		Decl: []*parse.VariableNode{{NodeType: parse.NodeVariable, Pos: pos, Ident: []string{tickVar}}},
		Cmds: []*parse.CommandNode{{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{ident}}},
	}}
	list.Nodes = append([]parse.Node{tick}, list.Nodes...)
}

// executor executes clones of a Renderer's templates for one goroutine at
// a time, with the context and deadline of the current execution.
type executor struct {
	r        *Renderer
	tmpls    map[string]*template.Template // by kind, cloned on first use
	cached   map[string]bool               // kinds whose reused parts are rewritten (cache.go)
	deps     map[string]map[string]uint    // by kind and template: what a reused part depends on
	kind     string                        // of the execution
	out      *tapeWriter
	frames   []frame
	tape     []byte
	ctx      context.Context
	timeout  time.Duration
	deadline time.Time // set by the first tick
	err      error     // why the execution was stopped
}

// tick is kbTick: it stops the execution when its context is done or its
// time is up.
func (e *executor) tick() (string, error) {
	if err := e.ctx.Err(); err != nil {
		e.err = err
		return "", err
	}
	now := time.Now()
	if e.deadline.IsZero() {
		// The clock starts at the first tick, at the start of the
		// execution: html/template's escaping of a new clone, before it,
		// does not count.
		e.deadline = now.Add(e.timeout)
	} else if now.After(e.deadline) {
		e.err = errTimeout
		return "", errTimeout
	}
	return "", nil
}

var errTimeout = errors.New("time is up")

// executors is a pool of executors.
type executors struct {
	mu   sync.Mutex
	idle []*executor
}

// executor returns an executor for one execution.
func (r *Renderer) executor(ctx context.Context) *executor {
	r.pool.mu.Lock()
	var e *executor
	if n := len(r.pool.idle); n > 0 {
		e, r.pool.idle = r.pool.idle[n-1], r.pool.idle[:n-1]
	}
	r.pool.mu.Unlock()
	if e == nil {
		e = &executor{r: r, tmpls: map[string]*template.Template{}, cached: map[string]bool{}, deps: map[string]map[string]uint{}}
	}
	e.ctx, e.err = ctx, nil
	e.timeout, e.deadline = r.timeout(), time.Time{}
	return e
}

// release returns an executor to the pool.
func (r *Renderer) release(e *executor) {
	e.ctx = nil
	r.pool.mu.Lock()
	r.pool.idle = append(r.pool.idle, e)
	r.pool.mu.Unlock()
}

// timeout is limits.template_timeout.
func (r *Renderer) timeout() time.Duration {
	return time.Duration(r.Site.Config.Limits.TemplateTimeout)
}

// lookup returns the executor's clone of a kind's templates. The
// Renderer's own templates are never executed: html/template cannot clone
// a template after it ran.
func (e *executor) lookup(r *Renderer, kind string) (*template.Template, error) {
	if t, ok := e.tmpls[kind]; ok {
		return t, nil
	}
	master := r.tmpls[kind]
	if master == nil {
		return nil, nil
	}
	t, err := master.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{tickFunc: e.tick, cachedFunc: e.cachedPart, storeFunc: e.store})
	e.tmpls[kind] = t
	return t, nil
}

// run executes the template name of a kind's set into w, within the
// Renderer's time limit and until ctx is done. what says what was being
// rendered, for a timeout's message ("rendering /articles/x/"); note, if
// any, is added to other template errors.
func (r *Renderer) run(ctx context.Context, w io.Writer, kind, name string, data any, what, note string) error {
	e := r.executor(ctx)
	defer r.release(e)
	t, err := e.lookup(r, kind)
	if err != nil {
		return err
	}
	if t == nil {
		return diag.At(r.theme.LayoutDir+"/"+kind+".html", 0, "missing layout")
	}
	e.kind, e.frames, e.tape = kind, e.frames[:0], e.tape[:0]
	e.out = &tapeWriter{w: w, e: e}
	err = t.ExecuteTemplate(e.out, name, data)
	switch {
	case err == nil:
		if !e.cached[kind] && reuseParts && name == "baseof.html" {
			// html/template has escaped the page shell and every
			// template it calls: their reused parts can be found and
			// their calls rewritten now.
			e.cacheParts(t, name)
			e.cached[kind] = true
		}
		return nil
	case e.err == errTimeout:
		te := r.templateError(err)
		if le, ok := te.(*diag.Diagnostic); ok {
			le.Message = fmt.Sprintf("%s took longer than %s (limits.template_timeout); look for a loop in the template (the time ran out at this line), or raise the limit", what, r.timeout())
		}
		return te
	case e.err != nil:
		return e.err
	}
	te := r.templateError(err)
	if le, ok := te.(*diag.Diagnostic); ok && note != "" {
		le.Message += " (" + note + ")"
	}
	return te
}
