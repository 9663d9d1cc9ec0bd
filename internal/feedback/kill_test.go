package feedback

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The child process of TestKillDurability: it writes answers and searches
// from several goroutines and prints each one's number once its Record
// call has returned nil, until it is killed. With killModeEnv=writer it
// sends answers through a Writer from 32 goroutines, which commits them
// in groups, and prints each once Writer.Feedback returned nil.
const (
	killChildEnv = "KB_FEEDBACK_KILL_CHILD"
	killModeEnv  = "KB_FEEDBACK_KILL_MODE"
)

func TestKillDurabilityChild(t *testing.T) {
	url := os.Getenv(killChildEnv)
	if url == "" {
		t.Skip("the child of TestKillDurability")
	}
	ctx := context.Background()
	s, err := Open(ctx, url, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	if os.Getenv(killModeEnv) == "writer" {
		wr := s.NewWriter(WriterOptions{})
		for g := 0; g < 32; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					n := fmt.Sprintf("%d-%d", g, i)
					err := wr.Feedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Comment: "ack " + n})
					mu.Lock()
					if err != nil {
						fmt.Println("error:", err)
					} else {
						fmt.Println(n)
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				n := fmt.Sprintf("%d-%d", w, i)
				var err error
				if i%2 == 0 {
					err = s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Comment: "ack " + n})
				} else {
					_, err = s.RecordSearch(ctx, Search{Query: "ack " + n})
				}
				mu.Lock()
				if err != nil {
					fmt.Println("error:", err)
				} else {
					fmt.Println(n) // the acknowledgement: only after the commit returned
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// TestKillDurability kills a writing process with SIGKILL and checks that
// every write it acknowledged is in the database: written one by one, and
// committed in groups by a Writer.
func TestKillDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	for _, mode := range []string{"record", "writer"} {
		t.Run(mode, func(t *testing.T) { killDurability(t, mode) })
	}
}

func killDurability(t *testing.T, mode string) {
	each(t, func(t *testing.T, url string) {
		s := open(t, url, Options{}) // migrate before the child starts
		s.Close()
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillDurabilityChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killChildEnv+"="+url, killModeEnv+"="+mode)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked []string
		want := 400
		if mode == "writer" {
			want = 3000 // many groups
		}
		sc := bufio.NewScanner(out)
		deadline := time.Now().Add(60 * time.Second)
		killed := false
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "error:") || strings.HasPrefix(line, "open:") {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child: %s", line)
			}
			if _, _, ok := strings.Cut(line, "-"); ok {
				acked = append(acked, line)
			}
			// Kill in the middle of writing, once enough were acknowledged.
			if !killed && (len(acked) >= want || time.Now().After(deadline)) {
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		cmd.Wait()
		if !killed || len(acked) < 100 {
			t.Fatalf("the child acknowledged %d writes before it was killed (killed: %v)", len(acked), killed)
		}
		s = open(t, url, Options{})
		have := map[string]bool{}
		for _, q := range []string{"SELECT comment FROM kb_feedback", "SELECT query FROM kb_searches"} {
			rows, err := s.r.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v string
				rows.Scan(&v)
				have[strings.TrimPrefix(v, "ack ")] = true
			}
			rows.Close()
		}
		var lost []string
		for _, n := range acked {
			if !have[n] {
				lost = append(lost, n)
			}
		}
		if len(lost) > 0 {
			t.Errorf("%d of %d acknowledged writes lost after kill -9, like: %v", len(lost), len(acked), lost[:min(len(lost), 10)])
		}
		t.Logf("%d writes acknowledged before kill -9, all there; %d rows in all", len(acked), len(have))
	})
}

// TestSQLiteSettings checks what the durability claim rests on: every SQLite
// connection is in WAL mode with synchronous=FULL.
func TestSQLiteSettings(t *testing.T) {
	s := open(t, t.TempDir()+"/kb.db", Options{})
	for _, db := range []*sql.DB{s.w, s.r} {
		var mode string
		var sync int
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != 2 {
			t.Errorf("journal_mode=%s synchronous=%s, want wal and 2 (FULL)", mode, strconv.Itoa(sync))
		}
	}
}
