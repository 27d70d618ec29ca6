package main

import (
	"context"
	"errors"
	"io"
)

// runDemo is not written yet; the issue that introduces "gridsweep demo" replaces this file.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not available yet in this build")
}
