package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// runTokenList handles "gridsweep token list [--area AREA] [--active]": every token (or
// those of AREA and below it), newest first, with scope and state but never a secret.
func runTokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token list", stderr)
	areaFlag := fs.String("area", "", "only tokens of this area (id, source id or name) and the areas below it")
	activeFlag := fs.Bool("active", false, "leave out revoked and expired tokens")
	dbFlag := databaseFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if *dbFlag == "" {
		return usageErrorf("set DATABASE_URL or --db")
	}
	store, err := data.Open(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer store.Close()
	f := data.TokenFilter{ActiveOnly: *activeFlag}
	if *areaFlag != "" {
		if f.Root, err = store.AreaIDByRef(ctx, *areaFlag); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tAREA\tWORKER\tSTATUS\tCREATED\tEXPIRES\tLABEL")
	for page := (data.ListPage{Limit: 1000}); ; {
		toks, err := store.ListTokens(ctx, f, page)
		if err != nil {
			return err
		}
		for _, t := range toks {
			worker, expires := "-", "never"
			if t.WorkerID != nil {
				worker = strconv.FormatInt(*t.WorkerID, 10)
			}
			if t.ExpiresAt != nil {
				expires = t.ExpiresAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.AreaID, worker, t.Status,
				t.CreatedAt.UTC().Format(time.RFC3339), expires, t.Label)
		}
		if len(toks) < page.Limit {
			break
		}
		page.After = toks[len(toks)-1].ID
	}
	return tw.Flush()
}

// runTokenRevoke handles "gridsweep token revoke ID": the token stops working at once on
// every replica (nothing caches tokens).
func runTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token revoke", stderr)
	dbFlag := databaseFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("gridsweep token revoke ID")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return usageErrorf("token id %q is not a number", pos[0])
	}
	if *dbFlag == "" {
		return usageErrorf("set DATABASE_URL or --db")
	}
	store, err := data.Open(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.RevokeToken(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "token %d revoked\n", id)
	return nil
}
