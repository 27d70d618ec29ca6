package main

import (
	"context"
	"errors"
	"io"
)

// runToken is not written yet; the issue that introduces "gridsweep token" replaces this file.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not available yet in this build")
}
