package api

import "sync"

// broadcast fans changes from one LISTEN connection out to the open event streams of
// this replica (tile changes, progress changes). The zero value is ready to use.
type broadcast[T any] struct {
	mu   sync.Mutex
	subs map[chan T]struct{}
}

// subscribe returns a channel of the changes published from now on, buffered for size
// of them, and the function that ends the subscription.
func (b *broadcast[T]) subscribe(size int) (<-chan T, func()) {
	ch := make(chan T, size)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[chan T]struct{}{}
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}
}

// publish never blocks the listener: a stream too slow to take c loses its oldest change
// and gets all instead (the change that means "everything may have changed"), which
// loses nothing but precision.
func (b *broadcast[T]) publish(c, all T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- c:
		default:
			select {
			case <-ch: // drop the oldest to make room for all
			default:
			}
			select {
			case ch <- all:
			default:
			}
		}
	}
}
