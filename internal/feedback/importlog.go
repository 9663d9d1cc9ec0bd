package feedback

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"
)

// ImportResult says what ImportSearchLog did.
type ImportResult struct {
	Imported int      // searches stored (lines already imported count too)
	Problems []string // lines skipped, as "file:line: why"
	MovedTo  string   // where the log was moved once imported; "" when there was none
}

// logLine is a line of the zero-result search log kb serve wrote before
// searches went to the database (internal/search/handler.go): JSON with
// the time (RFC 3339), the query, the filters (type, product) and the hits.
type logLine struct {
	Time    string            `json:"time"`
	Query   string            `json:"query"`
	Filters map[string]string `json:"filters"`
	Hits    *int              `json:"hits"`
}

// ImportSearchLog moves the searches of a JSON-lines search log (search.log
// in site.yaml, .kb/search-log.jsonl by default) into the database, then
// renames the log to path.imported so that it is read once. No log is no
// work. The rows' ids come from each line's text and number, so importing
// a log again (after a crash between the commit and the rename, or a log
// that grew since) stores each line once. Lines that cannot be read (a line
// cut short by a crash) are skipped and listed in Problems; the rest is
// imported in one transaction.
func (s *Store) ImportSearchLog(ctx context.Context, path string) (ImportResult, error) {
	var res ImportResult
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("search log: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		bad := func(format string, args ...any) {
			res.Problems = append(res.Problems, fmt.Sprintf("%s:%d: %s", path, n, fmt.Sprintf(format, args...)))
		}
		var l logLine
		if err := json.Unmarshal(line, &l); err != nil {
			bad("not a search log line (%v); skipped", err)
			continue
		}
		at, err := time.Parse(time.RFC3339, l.Time)
		if err != nil {
			bad("time %s is not an RFC 3339 time; skipped", strconv.Quote(l.Time))
			continue
		}
		q := Search{Query: l.Query, Type: l.Filters["type"], Product: l.Filters["product"]}
		if l.Hits != nil {
			q.Results = *l.Hits
		}
		query, err := validateSearch(q)
		if err != nil {
			bad("%v; skipped", err)
			continue
		}
		sum := sha256.Sum256(line)
		id := "log-" + hex.EncodeToString(sum[:12]) + "-" + strconv.Itoa(n)
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_searches (id, created, query, results, filter_type, filter_product)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
			id, millis(at), query, q.Results, q.Type, q.Product); err != nil {
			return res, fmt.Errorf("search log %s:%d: %w", path, n, err)
		}
		res.Imported++
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("search log %s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	res.MovedTo = path + ".imported"
	if _, err := os.Stat(res.MovedTo); err == nil {
		res.MovedTo = fmt.Sprintf("%s.imported-%d", path, s.now().Unix())
	}
	if err := os.Rename(path, res.MovedTo); err != nil {
		return res, fmt.Errorf("search log imported, but not moved away (it will be imported again, without duplicates): %w", err)
	}
	return res, nil
}
