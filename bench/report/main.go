// Command report turns the measurements bench/compare.sh collects into the
// table of docs/performance.md: the median wall time, peak memory and
// output size of each command, and every target with its figure.
//
//	go run ./bench/report -dir WORK -doc docs/performance.md -section disk
//
// WORK holds, for each command NAME and round N, NAME.N.json (hyperfine
// --export-json of one run), NAME.N.time (/usr/bin/time -v) and
// NAME.size (bytes and files of its output), plus load.N (the
// /proc/loadavg line before each round) and env (key=value lines about
// the machine and the tools). The table replaces what stands between the
// "<!-- compare:begin SECTION -->" and "<!-- compare:end SECTION -->"
// markers in the doc.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// A command measured by compare.sh.
type command struct {
	name, label string
}

var commands = []command{
	{"floor", "goldmark alone (the floor)"},
	{"kb", "kb build, cold"},
	{"kb-again", "kb build, nothing changed"},
	{"hugo", "Hugo build"},
	{"pagefind", "Pagefind index of Hugo's output"},
	{"kb-small", "kb build, cold, small site"},
}

type sample struct {
	wall float64 // seconds
	rss  float64 // MiB
}

func main() {
	dir := flag.String("dir", "", "the folder compare.sh measured into")
	doc := flag.String("doc", "docs/performance.md", "the Markdown file to update")
	section := flag.String("section", "disk", "the section of the doc to replace: between <!-- compare:begin NAME --> and <!-- compare:end NAME -->")
	flag.Parse()
	if err := run(*dir, *doc, *section); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(dir, doc, section string) error {
	env, err := readEnv(filepath.Join(dir, "env"))
	if err != nil {
		return err
	}
	rounds := map[string][]sample{}
	for _, c := range commands {
		for n := 1; ; n++ {
			s, err := readSample(dir, c.name, n)
			if errors.Is(err, os.ErrNotExist) {
				break
			}
			if err != nil {
				return err
			}
			rounds[c.name] = append(rounds[c.name], s)
		}
		if len(rounds[c.name]) == 0 {
			return fmt.Errorf("no measurements of %s in %s", c.name, dir)
		}
	}
	var loads []float64
	for n := 1; ; n++ {
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("load.%d", n)))
		if err != nil {
			break
		}
		if f := strings.Fields(string(data)); len(f) > 0 {
			v, _ := strconv.ParseFloat(f[0], 64)
			loads = append(loads, v)
		}
	}

	med := func(name string, f func(sample) float64) float64 {
		var v []float64
		for _, s := range rounds[name] {
			v = append(v, f(s))
		}
		return median(v)
	}
	wall := func(s sample) float64 { return s.wall }
	rss := func(s sample) float64 { return s.rss }
	// perRound is the median over rounds of a ratio computed within each
	// round, so that a slow round (a busy neighbour) affects both sides.
	perRound := func(f func(i int) float64) float64 {
		n := len(rounds["kb"])
		for _, c := range commands {
			n = min(n, len(rounds[c.name]))
		}
		var v []float64
		for i := 0; i < n; i++ {
			v = append(v, f(i))
		}
		return median(v)
	}
	at := func(name string, i int) float64 { return rounds[name][i].wall }

	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `bench/compare.sh` on %s: %s pages (%s of Markdown) and a %s-page site from `internal/corpus`, %d rounds, each running every command once in turn; medians.\n\n",
		env["date"], env["pages"], env["markdown"], env["small"], len(rounds["kb"]))
	fmt.Fprintf(&b, "Machine: %s, %s cores, %s RAM; %s. Load average (1 min) before the rounds: %s.\n\n",
		env["cpu"], env["cores"], env["memory"], env["workdir"], loadSummary(loads))
	fmt.Fprintf(&b, "Versions: kb %s, %s, Pagefind %s, %s.\n\n", env["kb"], env["hugo"], env["pagefind"], env["go"])
	b.WriteString("| command | median wall time | peak memory (RSS) | output |\n|---|---:|---:|---|\n")
	for _, c := range commands {
		label := c.label
		if c.name == "kb-small" {
			label = strings.Replace(label, "small site", env["small"]+" pages", 1)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", label, seconds(med(c.name, wall)), mib(med(c.name, rss)), env["size."+c.name])
	}
	hp := med("hugo", wall) + med("pagefind", wall)
	fmt.Fprintf(&b, "| Hugo + Pagefind | %s | %s | |\n\n", seconds(hp), mib(max(med("hugo", rss), med("pagefind", rss))))

	b.WriteString("| target | figure | met |\n|---|---:|:-:|\n")
	target := func(name, figure string, ok bool) {
		mark := "yes"
		if !ok {
			mark = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, figure, mark)
	}
	r1 := perRound(func(i int) float64 { return at("kb", i) / (at("hugo", i) + at("pagefind", i)) })
	// Issue 20's targets; the moonshot rows keep the first milestone's.
	target("kb build ≤ 25% of Hugo build + Pagefind index", fmt.Sprintf("%.1f%%", 100*r1), r1 <= 0.25)
	r2 := perRound(func(i int) float64 { return at("kb", i) / at("floor", i) })
	target("kb build ≤ 6× goldmark alone", fmt.Sprintf("%.2f×", r2), r2 <= 6)
	peak := 0.0
	for _, s := range rounds["kb"] {
		peak = max(peak, s.rss)
	}
	target("kb build peak memory ≤ 500 MiB", fmt.Sprintf("%s (highest of %d runs)", mib(peak), len(rounds["kb"])), peak <= 500)
	r4 := perRound(func(i int) float64 { return at("kb", i) / at("kb-small", i) })
	target(fmt.Sprintf("%s → %s pages: time grows ≤ 11×", env["small"], env["pages"]), fmt.Sprintf("%.1f×", r4), r4 <= 11)
	r5 := perRound(func(i int) float64 { return at("kb-again", i) / at("kb", i) })
	target("no-change rebuild ≤ 50% of a cold build", fmt.Sprintf("%.1f%%", 100*r5), r5 <= 0.5)
	target("moonshot: kb build ≤ 10% of Hugo build + Pagefind index", fmt.Sprintf("%.1f%%", 100*r1), r1 <= 0.10)
	target("moonshot: kb build ≤ 3.5× goldmark alone", fmt.Sprintf("%.2f×", r2), r2 <= 3.5)
	b.WriteString("\nRatios are the median of the ratios within each round.\n")

	return replaceSection(doc, section, b.String())
}

func readSample(dir, name string, n int) (sample, error) {
	var s sample
	data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s.%d.json", name, n)))
	if err != nil {
		return s, err
	}
	var h struct {
		Results []struct {
			Times     []float64 `json:"times"`
			ExitCodes []int     `json:"exit_codes"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return s, fmt.Errorf("%s.%d.json: %v", name, n, err)
	}
	if len(h.Results) != 1 || len(h.Results[0].Times) != 1 {
		return s, fmt.Errorf("%s.%d.json: want one result of one run", name, n)
	}
	if c := h.Results[0].ExitCodes; len(c) > 0 && c[0] != 0 {
		return s, fmt.Errorf("%s, round %d, exited with %d", name, n, c[0])
	}
	s.wall = h.Results[0].Times[0]
	f, err := os.Open(filepath.Join(dir, fmt.Sprintf("%s.%d.time", name, n)))
	if err != nil {
		return s, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "Maximum resident set size (kbytes): "); ok {
			kb, _ := strconv.ParseFloat(v, 64)
			s.rss = kb / 1024
		}
	}
	if s.rss == 0 {
		return s, fmt.Errorf("%s.%d.time: no maximum resident set size", name, n)
	}
	return s, sc.Err()
}

func readEnv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func loadSummary(v []float64) string {
	if len(v) == 0 {
		return "not recorded"
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return fmt.Sprintf("%.2f to %.2f (median %.2f)", s[0], s[len(s)-1], median(s))
}

func seconds(s float64) string {
	if s < 10 {
		return fmt.Sprintf("%.2f s", s)
	}
	return fmt.Sprintf("%.1f s", s)
}

func mib(m float64) string { return fmt.Sprintf("%.0f MiB", m) }

// replaceSection puts text between the markers of a section of the doc.
func replaceSection(doc, section, text string) error {
	begin := "<!-- compare:begin " + section + " -->"
	end := "<!-- compare:end " + section + " -->"
	data, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	s := string(data)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %q … %q section", doc, begin, end)
	}
	s = s[:i+len(begin)] + "\n" + text + s[j:]
	return os.WriteFile(doc, []byte(s), 0o644)
}
