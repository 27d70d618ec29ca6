package main

import (
	"context"
	"errors"
	"io"
)

// runImport is not written yet; the issue that introduces "gridsweep import" replaces this file.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not available yet in this build")
}
