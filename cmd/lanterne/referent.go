package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/client/workstation"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"

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
	switch sub {
	case "inbox", "show", "reply", "status", "request-identity", "export", "ui":
	default:
		return usagef("unknown referent subcommand %q", sub)
	}
	fs := flags(e, "referent "+sub, "referent "+sub+" --server URL --org ORG --fingerprint FP --key FILE [--case ID] [options]")
	of := addOrgFlags(fs)
	keyFile := fs.String("key", "", "your referent key file (passphrase from LANTERNE_PASSPHRASE or asked)")
	caseID := fs.String("case", "", "the case's lookup id (from the inbox)")
	textFile := fs.String("text-file", "", "reply, request-identity, status: the text, from this file (- for standard input)")
	to := fs.String("to", "", "status: the new status (acknowledged, in_analysis, oriented, closed)")
	outDir := fs.String("out", "", "export: folder to write the case file into")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *keyFile == "" {
		return usagef("--key is required")
	}
	if sub != "inbox" && sub != "ui" && *caseID == "" {
		return usagef("--case is required")
	}
	sealed, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	pass, err := secret(e, "LANTERNE_PASSPHRASE", "Passphrase for your referent key", false)
	if err != nil {
		return err
	}
	key, err := referentkey.Parse(sealed, pass)
	if err != nil {
		return err
	}
	c, d, err := of.connect(ctx, e)
	if err != nil {
		return err
	}
	rs, err := c.Login(ctx, d, key)
	if err != nil {
		return err
	}
	if sub == "ui" {
		ws, err := workstation.New(workstation.Config{Session: workstation.Adapt(rs), Referent: key.ID})
		if err != nil {
			return err
		}
		ln, first, err := ws.Listen()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Your workstation is at (open it in your browser; its key opens this session: do not share it):\n  %s\nIt listens on this computer only. Press Ctrl-C to stop.\n", first)
		return ws.Serve(ctx, ln)
	}
	if sub == "inbox" {
		cases, err := rs.Inbox(ctx)
		if err != nil {
			return err
		}
		return output(e, *of.asJSON, cases, func(w io.Writer) {
			if len(cases) == 0 {
				fmt.Fprintln(w, "No case.")
			}
			for _, cs := range cases {
				late := ""
				if len(cs.Overdue) > 0 {
					late = "  OVERDUE: " + strings.Join(cs.Overdue, ", ")
				}
				fmt.Fprintf(w, "%s  %-14s %-13s received %s  ack due %s  messages %d%s\n", cs.LookupID, cs.Route, cs.Status, cs.Received, cs.Deadlines.AckDue, cs.Messages, late)
			}
		})
	}
	rc, err := rs.Open(ctx, *caseID)
	if err != nil {
		return err
	}
	text := func() (string, error) {
		if *textFile == "" {
			return "", nil
		}
		return readText(e, *textFile)
	}
	switch sub {
	case "show":
		msgs, err := rc.Messages(ctx)
		if err != nil {
			return err
		}
		id, state := rc.Identity()
		view := caseView{Case: rc.Case(), Report: rc.Report(), IdentityState: state, Identity: id, Messages: messagesJSON(msgs)}
		return output(e, *of.asJSON, view, func(w io.Writer) { printCase(w, view, msgs) })
	case "reply":
		t, err := text()
		if err != nil || t == "" {
			return usagef("reply needs --text-file with a message")
		}
		seq, err := rc.Reply(ctx, t)
		if err != nil {
			return err
		}
		return output(e, *of.asJSON, map[string]any{"case": *caseID, "seq": seq}, func(w io.Writer) {
			fmt.Fprintf(w, "Message %d sent, signed with your key.\n", seq)
		})
	case "request-identity":
		t, err := text()
		if err != nil {
			return err
		}
		if err := rc.RequestIdentity(ctx, t); err != nil {
			return err
		}
		return output(e, *of.asJSON, map[string]any{"case": *caseID, "identity_state": "requested"}, func(w io.Writer) {
			fmt.Fprintln(w, "Identity release requested; only the reporter can accept.")
		})
	case "status":
		if *to == "" {
			return usagef("status needs --to")
		}
		t, err := text()
		if err != nil {
			return err
		}
		if err := rc.SetStatus(ctx, *to, t); err != nil {
			return err
		}
		return output(e, *of.asJSON, map[string]any{"case": *caseID, "status": *to}, func(w io.Writer) {
			fmt.Fprintf(w, "Case %s is now %s.\n", *caseID, *to)
		})
	case "export":
		if *outDir == "" {
			return usagef("export needs --out DIR")
		}
		return exportCase(ctx, e, rc, *outDir, *of.asJSON)
	}
	return nil
}

// caseView is a case as a referent's workstation shows it.
type caseView struct {
	Case          api.CaseStatus     `json:"case"`
	Report        envelope.Report    `json:"report"`
	IdentityState string             `json:"identity_state"`
	Identity      *envelope.Identity `json:"identity,omitempty"`
	Messages      []messageView      `json:"messages"`
}

func printCase(w io.Writer, v caseView, msgs []client.Message) {
	r := v.Report
	fmt.Fprintf(w, "Case %s — %s, %s, status %s, received %s\n", v.Case.LookupID, r.Channel, r.Category, v.Case.Status, v.Case.Received)
	if len(r.Criteria) > 0 {
		fmt.Fprintf(w, "Criteria: %v\n", r.Criteria)
	}
	fmt.Fprintf(w, "Role: %s\nFacts: %s\nWhen: %s\nWhere: %s\nPersons involved: %s\nWitnesses: %s\nMeeting requested: %v\n",
		r.Role, r.Facts, r.When, r.Where, r.PersonsInvolved, r.Witnesses, r.Wishes.Meeting)
	switch {
	case v.Identity != nil:
		fmt.Fprintf(w, "Identity (released): %s, %s\n", v.Identity.Name, v.Identity.Contact)
	default:
		fmt.Fprintf(w, "Identity: %s\n", v.IdentityState)
	}
	fmt.Fprintln(w, "Messages:")
	printMessages(w, msgs)
}

// exportCase writes the case file and its decrypted evidence into dir. A
// file is written under a temporary name and renamed only once its
// decryption and its hash check have succeeded.
func exportCase(ctx context.Context, e *env, rc *client.ReferentCase, dir string, asJSON bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	msgs, err := rc.Messages(ctx)
	if err != nil {
		return err
	}
	id, state := rc.Identity()
	view := caseView{Case: rc.Case(), Report: rc.Report(), IdentityState: state, Identity: id, Messages: messagesJSON(msgs)}
	b, _ := json.MarshalIndent(view, "", "  ")
	if err := writeFileAtomic(filepath.Join(dir, "case.json"), append(b, '\n'), 0o600); err != nil {
		return err
	}
	written := []string{filepath.Join(dir, "case.json")}
	for i, item := range client.EvidenceItems(msgs) {
		name := fmt.Sprintf("%02d-%s", i+1, filepath.Base(item.Name))
		tmp, err := os.CreateTemp(dir, ".export-*")
		if err != nil {
			return err
		}
		err = rc.Download(ctx, item, tmp)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("%s: %w", item.Name, err)
		}
		if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
			return err
		}
		written = append(written, filepath.Join(dir, name))
	}
	return output(e, asJSON, map[string]any{"case": rc.LookupID(), "files": written}, func(w io.Writer) {
		for _, f := range written[1:] {
			fmt.Fprintf(w, "%s: decrypted and checked against its manifest\n", filepath.Base(f))
		}
		fmt.Fprintf(w, "Case file written to %s.\n", dir)
	})
}
