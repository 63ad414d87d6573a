package main

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/lanterne/lanterne/store"
)

func cmdAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("audit needs a subcommand: store")
	}
	switch args[0] {
	case "store":
		return auditStore(ctx, e, args[1:])
	}
	return usagef("unknown audit subcommand %q", args[0])
}

// storeAudit is what `lanterne audit store` found.
type storeAudit struct {
	Path     string         `json:"path"`
	Values   int            `json:"values"`
	ByKind   map[string]int `json:"by_kind"`
	Problems []string       `json:"problems"`
	OK       bool           `json:"ok"`
}

// auditStore walks a store file (a stopped server's, or a backup) and checks
// that every value is an age ciphertext or one of the allowed metadata
// shapes. It exits non-zero when anything else is found.
func auditStore(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "audit store", "audit store [--json] PATH")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("audit store needs the path of a store file (stop the server first, or audit a backup)")
	}
	path := fs.Arg(0)
	res, err := auditFile(ctx, path)
	if err != nil {
		return err
	}
	if err := output(e, *asJSON, res, func(w io.Writer) {
		kinds := make([]string, 0, len(res.ByKind))
		for k := range res.ByKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		fmt.Fprintf(w, "%s: %d values\n", path, res.Values)
		for _, k := range kinds {
			fmt.Fprintf(w, "  %-16s %d\n", k, res.ByKind[k])
		}
		for _, p := range res.Problems {
			fmt.Fprintf(w, "PROBLEM: %s\n", p)
		}
		if res.OK {
			fmt.Fprintln(w, "OK: every value is an age ciphertext or allowed metadata.")
		}
	}); err != nil {
		return err
	}
	if !res.OK {
		return fmt.Errorf("audit failed: %d problem(s)", len(res.Problems))
	}
	return nil
}

// auditFile opens the store file at path read-only and checks every value
// with store.Item.Check. It fails only when the file does not open; what
// the walk finds is in the result.
func auditFile(ctx context.Context, path string) (storeAudit, error) {
	s, err := store.OpenReadOnly(path)
	if err != nil {
		return storeAudit{}, fmt.Errorf("opening %s: %w", path, err)
	}
	defer s.Close()
	res := storeAudit{Path: path, ByKind: map[string]int{}, Problems: []string{}}
	err = s.Walk(ctx, func(it store.Item) error {
		res.Values++
		res.ByKind[string(it.Kind)]++
		if err := it.Check(); err != nil {
			res.Problems = append(res.Problems, err.Error())
		}
		return nil
	})
	if err != nil {
		res.Problems = append(res.Problems, "walk: "+err.Error())
	}
	res.OK = len(res.Problems) == 0
	return res, nil
}
