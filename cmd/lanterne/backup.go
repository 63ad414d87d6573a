package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// backupResult is what `lanterne backup` prints.
type backupResult struct {
	Path   string         `json:"path"`
	Bytes  int64          `json:"bytes"`
	Values int            `json:"values"`
	ByKind map[string]int `json:"by_kind"`
}

// cmdBackup downloads a hot backup from a running server
// (GET /api/v1/admin/backup, operator token), writes it to a temporary file
// beside --out, fsyncs it, checks that it opens as a store and that every
// value passes the same checks as `lanterne audit store`, and only then
// renames it into place. A failed or truncated download never leaves a
// file at --out.
func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "backup", "backup --server URL --out FILE [--json]  (operator token in LANTERNE_OPERATOR_TOKEN)")
	server := fs.String("server", "", "Lanterne server URL")
	out := fs.String("out", "", "where to write the backup")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *server == "" || *out == "" || fs.NArg() != 0 {
		return usagef("backup needs --server and --out")
	}
	token, err := secret(e, "LANTERNE_OPERATOR_TOKEN", "Operator token", false)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	n, err := downloadBackup(ctx, strings.TrimRight(*server, "/")+"/api/v1/admin/backup", token, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	audit, err := auditFile(ctx, tmp.Name())
	if err != nil {
		return fmt.Errorf("backup: the downloaded copy does not open as a store; nothing written: %w", err)
	}
	if !audit.OK {
		for _, p := range audit.Problems {
			errorf(e, "PROBLEM: %s", p)
		}
		return fmt.Errorf("backup: the downloaded copy fails the audit (%d problem(s)); nothing written", len(audit.Problems))
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(*out)); err == nil {
		d.Sync() // make the rename durable where the file system allows it
		d.Close()
	}
	res := backupResult{Path: *out, Bytes: n, Values: audit.Values, ByKind: audit.ByKind}
	return output(e, *asJSON, res, func(w io.Writer) {
		fmt.Fprintf(w, "Backup written to %s: %d bytes, %d values, audit OK.\n", res.Path, res.Bytes, res.Values)
		kinds := make([]string, 0, len(res.ByKind))
		for k := range res.ByKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(w, "  %-16s %d\n", k, res.ByKind[k])
		}
	})
}

// downloadBackup streams the backup at url into w and returns its size. A
// connection cut by the server (its backup failed mid-way) is an error.
func downloadBackup(ctx context.Context, url, token string, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var apiErr struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &apiErr) == nil && apiErr.Error != "" {
			return 0, fmt.Errorf("server: %s (%s)", apiErr.Error, resp.Status)
		}
		return 0, fmt.Errorf("server: %s", resp.Status)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/octet-stream" {
		return 0, fmt.Errorf("server: unexpected content type %q", mt)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("download interrupted after %d bytes: %w", n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, fmt.Errorf("download short: %d of %d bytes", n, resp.ContentLength)
	}
	return n, nil
}
