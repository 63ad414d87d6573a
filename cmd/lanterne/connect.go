package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/directory"
)

// orgFlags are the flags every client command needs: where the server is and
// which organisation, pinned by the fingerprint printed on its posters.
type orgFlags struct {
	server, org, fingerprint *string
	asJSON                   *bool
}

func addOrgFlags(fs *flag.FlagSet) orgFlags {
	return orgFlags{
		server:      fs.String("server", "", "Lanterne server URL"),
		org:         fs.String("org", "", "organisation id"),
		fingerprint: fs.String("fingerprint", "", "the organisation's fingerprint, as printed on its posters"),
		asJSON:      fs.Bool("json", false, "print JSON"),
	}
}

// connect verifies the organisation's directory against the pinned
// fingerprint before anything else is sent.
func (f orgFlags) connect(ctx context.Context, e *env) (*client.Client, *directory.Directory, error) {
	if *f.server == "" || *f.org == "" || *f.fingerprint == "" {
		return nil, nil, usagef("--server, --org and --fingerprint are required")
	}
	c := client.New(strings.TrimRight(*f.server, "/"), nil)
	c.Now = e.now
	d, err := c.Directory(ctx, &client.Pin{OrgID: *f.org, Fingerprint: *f.fingerprint})
	if err != nil {
		return nil, nil, fmt.Errorf("the organisation's directory does not check out: %w", err)
	}
	return c, d, nil
}

// readText reads a text argument from a file, or from standard input for
// "-". Report contents never come from the command line, where other users
// of the machine could read them.
func readText(e *env, path string) (string, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return "", err
	}
	if len(b) > 1<<20 {
		return "", fmt.Errorf("%s: larger than 1 MiB", path)
	}
	return strings.TrimSpace(string(b)), nil
}
