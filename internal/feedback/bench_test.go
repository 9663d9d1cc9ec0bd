package feedback

import (
	"context"
	"strconv"
	"testing"

	"github.com/octoacme/kb/internal/feedback/feedbacktest"
)

// BenchmarkRecordSearch is the cost kb serve pays per search it records:
// one durable commit (SQLite: an fsync of the WAL). Parallel runs 8
// writers per core, as concurrent requests would.
func BenchmarkRecordSearch(b *testing.B) {
	for _, be := range feedbacktest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			s, err := Open(context.Background(), be.URL, Options{SearchesPerHour: 1 << 30})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, err := s.RecordSearch(ctx, Search{Query: "reset password " + strconv.Itoa(i%50), Results: i % 3, Client: "203.0.113.9"}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(be.Name+"/parallel", func(b *testing.B) {
			s, err := Open(context.Background(), be.URL, Options{SearchesPerHour: 1 << 30})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.RecordSearch(ctx, Search{Query: "sync stalls", Results: 2}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkRecordFeedback: one answer with a comment to mask, from a client
// (hash, rate-limit count, upsert).
func BenchmarkRecordFeedback(b *testing.B) {
	s, err := Open(context.Background(), feedbacktest.SQLite(b).URL, Options{FeedbackPerHour: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		f := Feedback{Page: "/articles/a" + strconv.Itoa(i) + "/", Helpful: "no", Reason: "unclear",
			Comment: "Step 3 fails; call me on 555 123 4567 or mail jo@example.com", Client: "203.0.113.9"}
		if err := s.RecordFeedback(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriterFeedback is an acknowledged answer through the Writer, 8
// writers per core as concurrent requests would send them: each waits for
// the commit of its group.
func BenchmarkWriterFeedback(b *testing.B) {
	for _, be := range feedbacktest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			s, err := Open(context.Background(), be.URL, Options{FeedbackPerHour: 1 << 30})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			w := s.NewWriter(WriterOptions{})
			ctx := context.Background()
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := w.Feedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Reason: "unclear", Comment: "Step 3 fails"}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			w.Close(ctx)
			b.ReportMetric(float64(b.N)/float64(w.Commits()), "rows/commit")
		})
	}
}

// BenchmarkWriterSearch is what recording a search costs the search
// request: checking and queueing it. The writer commits in the background.
func BenchmarkWriterSearch(b *testing.B) {
	s, err := Open(context.Background(), feedbacktest.SQLite(b).URL, Options{SearchesPerHour: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w := s.NewWriter(WriterOptions{Queue: 1 << 20})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := w.Search(Search{Query: "reset password " + strconv.Itoa(i%50), Results: i % 3}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	w.Close(context.Background())
	b.ReportMetric(float64(b.N)/float64(max(1, w.Commits())), "rows/commit")
}
