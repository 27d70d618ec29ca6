package main

import (
	"context"
	"errors"
	"io"
)

// runCarp is not written yet; the issue that introduces "gridsweep carp" replaces this file.
func runCarp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not available yet in this build")
}
