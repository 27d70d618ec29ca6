package geo

import "io"

// readAhead reads r in a goroutine, chunkSize bytes at a time and up to depth chunks
// ahead, so that producing the bytes (bzip2 decompression) runs on one core while the
// consumer (the XML parser) runs on another. On a .osm.bz2 the two take about a quarter
// and three quarters of the time. stop must be called when the consumer is done; it
// ends the goroutine even when the consumer stopped early.
func readAhead(r io.Reader, chunkSize, depth int) (rd io.Reader, stop func()) {
	chunks := make(chan aheadChunk, depth)
	done := make(chan struct{})
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, chunkSize)
			n, err := io.ReadFull(r, buf)
			if err == io.ErrUnexpectedEOF {
				err = io.EOF // a short last chunk is the normal end
			}
			select {
			case chunks <- aheadChunk{buf[:n], err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	ra := &aheadReader{chunks: chunks}
	var stopped bool
	return ra, func() {
		if !stopped {
			stopped = true
			close(done)
		}
	}
}

type aheadChunk struct {
	data []byte
	err  error
}

type aheadReader struct {
	chunks <-chan aheadChunk
	cur    []byte
	err    error
}

func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		c, ok := <-a.chunks
		if !ok {
			a.err = io.ErrClosedPipe // stop was called before the end
			continue
		}
		a.cur, a.err = c.data, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}
