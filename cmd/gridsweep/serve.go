package main

import (
	"context"
	"errors"
	"io"
)

// runServe is not written yet; the issue that introduces "gridsweep serve" replaces this file.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not available yet in this build")
}
