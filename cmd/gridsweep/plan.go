package main

import (
	"context"
	"errors"
	"io"
)

// runPlan is not written yet; the issue that introduces "gridsweep plan" replaces this file.
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not available yet in this build")
}
