package geo

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestReadAhead(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 10_000)
	for _, chunk := range []int{1, 7, 4096, len(data), 2 * len(data)} {
		rd, stop := readAhead(bytes.NewReader(data), chunk, 3)
		if err := iotest.TestReader(rd, data); err != nil {
			t.Errorf("chunk %d: %v", chunk, err)
		}
		stop()
		stop() // harmless twice
	}
	// A read error reaches the consumer after the bytes before it.
	boom := errors.New("boom")
	rd, stop := readAhead(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(boom)), 64, 2)
	defer stop()
	got, err := io.ReadAll(rd)
	if !errors.Is(err, boom) || !bytes.Equal(got, data[:100]) {
		t.Errorf("got %d bytes, err %v; want 100 bytes then boom", len(got), err)
	}
	// Stopping early ends the producer even though nobody reads.
	rd, stop = readAhead(bytes.NewReader(data), 16, 1)
	stop()
	if _, err := io.ReadAll(rd); err == nil {
		t.Error("read after stop succeeded")
	}
}
