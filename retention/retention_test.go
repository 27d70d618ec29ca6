package retention

import (
	"context"
	"sync"
	"testing"
	"time"
)

type fakeDeleter struct {
	mu      sync.Mutex
	cutoffs []time.Time
}

func (f *fakeDeleter) DeleteGPSBefore(_ context.Context, cutoff time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cutoffs = append(f.cutoffs, cutoff)
	return 1, nil
}

// TestRunTicks: Run deletes at once, then every tick, with the cutoff keep before now,
// and stops with its context.
func TestRunTicks(t *testing.T) {
	d := &fakeDeleter{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Run(ctx, d, 48*time.Hour, 20*time.Millisecond, nil); close(done) }()
	time.Sleep(110 * time.Millisecond)
	cancel()
	<-done
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.cutoffs) < 3 {
		t.Fatalf("%d runs, want at least 3", len(d.cutoffs))
	}
	if age := time.Since(d.cutoffs[0]); age < 48*time.Hour || age > 48*time.Hour+time.Minute {
		t.Fatalf("cutoff %v ago, want 48 h", age)
	}
}
