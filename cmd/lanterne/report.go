package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/scrub/pdfscrub"
)

func cmdReport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("report needs a subcommand: submit, status, messages, reply, attach, release-identity")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "submit":
		return reportSubmit(ctx, e, args)
	case "status", "messages", "reply", "attach", "release-identity":
		return reportFollow(ctx, e, sub, args)
	}
	return usagef("unknown report subcommand %q", sub)
}

// fileArgs collects repeated --attach flags.
type fileArgs []string

func (f *fileArgs) String() string     { return fmt.Sprint(*f) }
func (f *fileArgs) Set(s string) error { *f = append(*f, s); return nil }

func localFile(path string) (client.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return client.File{}, err
	}
	if !fi.Mode().IsRegular() {
		return client.File{}, fmt.Errorf("%s is not a regular file", path)
	}
	mt := mime.TypeByExtension(filepath.Ext(path))
	if mt == "" {
		mt = "application/octet-stream"
	}
	return client.File{Name: filepath.Base(path), MediaType: mt, Size: fi.Size(),
		Open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil
}

func reportSubmit(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "report submit", "report submit --server URL --org ORG --fingerprint FP --report FILE [--identity FILE --identity-release now|later] [--attach FILE]... [--receipt FILE]")
	of := addOrgFlags(fs)
	reportFile := fs.String("report", "", "the report as JSON (schema lanterne-report/1, see docs/protocol.md); - for standard input")
	identityFile := fs.String("identity", "", "optional: your identity as JSON {name, contact, service, position, other}")
	release := fs.String("identity-release", "later", "with --identity: release it now, or later (sealed until you release it)")
	receiptFile := fs.String("receipt", "", "also save the acknowledgement (receipt) to this file")
	var attach fileArgs
	fs.Var(&attach, "attach", "an evidence file (repeat for several); metadata is scrubbed before encryption")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *reportFile == "" {
		return usagef("report submit needs --report FILE")
	}
	raw, err := readText(e, *reportFile)
	if err != nil {
		return err
	}
	var sub client.Submission
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sub.Report); err != nil {
		return fmt.Errorf("%s is not a report: %v", *reportFile, err)
	}
	if sub.Report.Channel == "" {
		sub.Report.Channel = envelope.ChannelFor(sub.Report.Category)
	}
	if sub.Report.Role == "" {
		sub.Report.Role = envelope.RoleVictim
	}
	if *identityFile != "" {
		raw, err := readText(e, *identityFile)
		if err != nil {
			return err
		}
		sub.Identity = new(envelope.Identity)
		if err := json.Unmarshal([]byte(raw), sub.Identity); err != nil {
			return fmt.Errorf("%s is not an identity: %v", *identityFile, err)
		}
		switch *release {
		case "now":
			sub.IdentityChoice = client.ReleaseNow
		case "later":
			sub.IdentityChoice = client.Sealed
		default:
			return usagef("--identity-release is now or later")
		}
	}
	for _, p := range attach {
		f, err := localFile(p)
		if err != nil {
			return err
		}
		sub.Files = append(sub.Files, f)
	}
	c, d, err := of.connect(ctx, e)
	if err != nil {
		return err
	}
	c.PDFScrubber = pdfscrub.PDF
	sub.Report.SubmittedAt = e.now().UTC().Truncate(time.Second)
	rec, err := c.Submit(ctx, d, &sub, nil)
	if rec != nil {
		// Whatever happened next, the code must be shown: it is the only way back.
		if *receiptFile != "" {
			b, _ := json.MarshalIndent(rec, "", "  ")
			if werr := writeFileAtomic(*receiptFile, append(b, '\n'), 0o600); werr != nil {
				errorf(e, "lanterne: saving the receipt: %v", werr)
			}
		}
		if oerr := output(e, *of.asJSON, rec, func(w io.Writer) { printReceipt(w, rec) }); oerr != nil {
			return oerr
		}
	}
	return err
}

func printReceipt(w io.Writer, r *client.Receipt) {
	fmt.Fprintf(w, "Your case code: %s\n", r.Code)
	fmt.Fprintln(w, "Write it down and keep it safe: it is shown once, and it is the only way to follow your report.")
	fmt.Fprintf(w, "Submitted on %s to %s:\n", r.SubmittedAt.Format(time.RFC3339), r.OrgID)
	for _, it := range r.Items {
		name := it.Name
		if name == "" {
			name = it.Kind
		}
		fmt.Fprintf(w, "  %-18s %-40s %8d bytes  sha256 %s\n", it.Kind, name, it.Size, it.SHA256)
		if it.Scrub != nil && it.Scrub.Unscrubbed {
			fmt.Fprintf(w, "  (warning: %s may still carry metadata: its type could not be scrubbed)\n", name)
		}
	}
	fmt.Fprintf(w, "Acknowledgement due by %s.\n", r.Case.Deadlines.AckDue)
}

func reportFollow(ctx context.Context, e *env, sub string, args []string) error {
	fs := flags(e, "report "+sub, "report "+sub+" --server URL --org ORG --fingerprint FP [options]  (case code from LANTERNE_CASE_CODE or standard input)")
	of := addOrgFlags(fs)
	textFile := fs.String("text-file", "", "reply: the message, from this file (- for standard input, then the code must be in LANTERNE_CASE_CODE)")
	var attach fileArgs
	fs.Var(&attach, "attach", "attach: a file to add (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, d, err := of.connect(ctx, e)
	if err != nil {
		return err
	}
	c.PDFScrubber = pdfscrub.PDF
	raw, err := caseCode(e)
	if err != nil {
		return err
	}
	code, err := casecode.Parse(raw)
	if err != nil {
		return err
	}
	rc, err := c.OpenCase(ctx, d, code)
	if err != nil {
		return err
	}
	switch sub {
	case "status":
		st, err := rc.Status(ctx)
		if err != nil {
			return err
		}
		return output(e, *of.asJSON, st, func(w io.Writer) {
			fmt.Fprintf(w, "Status: %s (received %s)\n", st.Status, st.Received)
			fmt.Fprintf(w, "Acknowledgement due %s, feedback due %s\n", st.Deadlines.AckDue, st.Deadlines.FeedbackDue)
			fmt.Fprintf(w, "Identity: %s; messages: %d\n", st.IdentityState, st.Messages)
		})
	case "messages":
		msgs, err := rc.Messages(ctx)
		if err != nil {
			return err
		}
		if len(msgs) > 0 {
			if err := rc.MarkRead(ctx, msgs[len(msgs)-1].Seq); err != nil {
				return err
			}
		}
		return output(e, *of.asJSON, messagesJSON(msgs), func(w io.Writer) { printMessages(w, msgs) })
	case "reply":
		if *textFile == "" {
			return usagef("reply needs --text-file")
		}
		text, err := readText(e, *textFile)
		if err != nil {
			return err
		}
		seq, err := rc.Reply(ctx, text)
		if err != nil {
			return err
		}
		return output(e, *of.asJSON, map[string]uint64{"seq": seq}, func(w io.Writer) { fmt.Fprintf(w, "Message %d sent.\n", seq) })
	case "attach":
		if len(attach) == 0 {
			return usagef("attach needs --attach FILE")
		}
		var items []client.ReceiptItem
		for _, p := range attach {
			f, err := localFile(p)
			if err != nil {
				return err
			}
			its, err := rc.Attach(ctx, f, nil)
			items = append(items, its...)
			if err != nil {
				return err
			}
		}
		return output(e, *of.asJSON, items, func(w io.Writer) {
			for _, it := range items {
				fmt.Fprintf(w, "%s %s: %d bytes, sha256 %s\n", it.Kind, it.Name, it.Size, it.SHA256)
			}
		})
	case "release-identity":
		if err := rc.ReleaseIdentity(ctx); err != nil {
			return err
		}
		return output(e, *of.asJSON, map[string]string{"identity_state": "released"}, func(w io.Writer) {
			fmt.Fprintln(w, "Your identity is released to the referents of your case.")
		})
	}
	return nil
}

// messageView is a message as the CLI prints it in JSON.
type messageView struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Author   string    `json:"author"`
	Kind     string    `json:"kind"`
	Body     string    `json:"body,omitempty"`
	File     string    `json:"file,omitempty"`
	Verified bool      `json:"verified"`
	Problem  string    `json:"problem,omitempty"`
}

func messagesJSON(msgs []client.Message) []messageView {
	out := make([]messageView, 0, len(msgs))
	for _, m := range msgs {
		v := messageView{Seq: m.Seq, Time: m.Time, Author: m.Author, Kind: string(m.Kind), Body: m.Body, Verified: m.Verified}
		if m.Evidence != nil {
			v.File = m.Evidence.Name
		}
		if m.Err != nil {
			v.Problem = m.Err.Error()
			v.Body = ""
		}
		out = append(out, v)
	}
	return out
}

func printMessages(w io.Writer, msgs []client.Message) {
	if len(msgs) == 0 {
		fmt.Fprintln(w, "No messages.")
	}
	for _, m := range msgs {
		if !m.Verified {
			fmt.Fprintf(w, "#%d %s  [message that could not be verified: %v]\n", m.Seq, m.Time.Format("2006-01-02 15:04"), m.Err)
			continue
		}
		fmt.Fprintf(w, "#%d %s  %s (%s)\n", m.Seq, m.Time.Format("2006-01-02 15:04"), m.Author, m.Kind)
		if m.Evidence != nil {
			fmt.Fprintf(w, "    file: %s (%s, %d bytes)\n", m.Evidence.Name, m.Evidence.MediaType, m.Evidence.Size)
		}
		if m.Body != "" {
			fmt.Fprintf(w, "    %s\n", m.Body)
		}
	}
}
