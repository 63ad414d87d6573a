package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/referentkey"
)

func cmdReferent(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("referent needs a subcommand: keygen, inbox, show, reply, status, request-identity, export")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "keygen":
		return referentKeygen(e, args)
	}
	return referentClient(ctx, e, sub, args)
}

func referentKeygen(e *env, args []string) error {
	fs := flags(e, "referent keygen", "referent keygen --id ID --out FILE [--classic]")
	id := fs.String("id", "", "your referent id, as the organisation will list it (e.g. alice.martin)")
	out := fs.String("out", "", "key file to write (passphrase-protected); FILE.pub.json gets the public part")
	classic := fs.Bool("classic", false, "classic X25519 key instead of post-quantum (only if your organisation uses classic case keys)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id == "" || *out == "" {
		return usagef("referent keygen needs --id and --out")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists: refusing to overwrite a key", *out)
	}
	kind := agekey.Hybrid
	if *classic {
		kind = agekey.X25519
	}
	k, err := referentkey.Generate(*id, kind)
	if err != nil {
		return err
	}
	pass, err := secret(e, "LANTERNE_PASSPHRASE", "Passphrase for your referent key", true)
	if err != nil {
		return err
	}
	sealed, err := referentkey.Marshal(k, pass, workFactor(e))
	if err != nil {
		return err
	}
	pub, err := json.MarshalIndent(k.Public(), "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, sealed, 0o600); err != nil {
		return err
	}
	pubFile := *out + ".pub.json"
	if err := writeFileAtomic(pubFile, append(pub, '\n'), 0o644); err != nil {
		return err
	}
	return output(e, *asJSON, map[string]string{"id": *id, "key": *out, "public": pubFile}, func(w io.Writer) {
		fmt.Fprintf(w, "Key written to %s (keep it on this workstation only).\n", *out)
		fmt.Fprintf(w, "Give %s to your organisation's administrator.\n", pubFile)
	})
}

func referentClient(ctx context.Context, e *env, sub string, args []string) error {
	return usagef("unknown referent subcommand %q", sub)
}
