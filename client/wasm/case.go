//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/envelope"
)

// openCase(code) derives the case's secrets from its code and opens it;
// it resolves with an object whose methods follow the case:
//
//	party                  "reporter" or "victim"
//	status()               the case's workflow status (api.CaseStatus)
//	report()               the reporter's own report (envelope.Report)
//	messages()             [{seq, time, author, mine, kind, body, verified, error, evidence}]
//	reply(text)            seq
//	markRead(seq)
//	attach(file, onProgress)  receipt items
//	releaseIdentity()
//	declineIdentity(text)
//	invite(message)        {code}: the presumed victim's invitation code (witness cases)
//	consent(given, text)   the presumed victim's answer (victim threads)
func (b *bridge) openCase(args []js.Value) (any, error) {
	d, err := b.directory()
	if err != nil {
		return nil, err
	}
	code, err := codeArg(args, 0)
	if err != nil {
		return nil, err
	}
	rc, err := b.c.OpenCase(context.Background(), d, code)
	if err != nil {
		return nil, err
	}
	return caseObject(rc), nil
}

func caseObject(rc *client.ReporterCase) js.Value {
	ctx := context.Background()
	o := js.Global().Get("Object").New()
	o.Set("party", rc.Party())
	o.Set("status", async(func([]js.Value) (any, error) { return rc.Status(ctx) }))
	o.Set("report", async(func([]js.Value) (any, error) { return rc.Report(), nil }))
	o.Set("messages", async(func([]js.Value) (any, error) {
		msgs, err := rc.Messages(ctx)
		if err != nil {
			return nil, err
		}
		return viewMessages(msgs, rc.Party()), nil
	}))
	o.Set("reply", async(func(a []js.Value) (any, error) {
		text, err := stringArg(a, 0)
		if err != nil {
			return nil, err
		}
		return rc.Reply(ctx, text)
	}))
	o.Set("markRead", async(func(a []js.Value) (any, error) {
		if len(a) < 1 || a[0].Type() != js.TypeNumber {
			return nil, errBadArgument
		}
		return nil, rc.MarkRead(ctx, uint64(a[0].Int()))
	}))
	o.Set("attach", async(func(a []js.Value) (any, error) {
		if len(a) < 1 {
			return nil, errBadArgument
		}
		f, err := blobFile(a[0])
		if err != nil {
			return nil, err
		}
		cb := js.Undefined()
		if len(a) > 1 {
			cb = a[1]
		}
		items, err := rc.Attach(ctx, f, progressFunc(cb))
		if err != nil {
			return nil, err
		}
		return viewItems(items), nil
	}))
	o.Set("releaseIdentity", async(func([]js.Value) (any, error) { return nil, rc.ReleaseIdentity(ctx) }))
	o.Set("declineIdentity", async(func(a []js.Value) (any, error) {
		text, _ := stringArg(a, 0)
		return nil, rc.DeclineIdentity(ctx, text)
	}))
	o.Set("invite", async(func(a []js.Value) (any, error) {
		text, _ := stringArg(a, 0)
		code, err := rc.Invite(ctx, text)
		if err != nil {
			return nil, err
		}
		return map[string]string{"code": code.String()}, nil
	}))
	o.Set("consent", async(func(a []js.Value) (any, error) {
		if len(a) < 1 || a[0].Type() != js.TypeBoolean {
			return nil, errBadArgument
		}
		text, _ := stringArg(a, 1)
		if a[0].Bool() {
			return nil, rc.ConsentGiven(ctx, text)
		}
		return nil, rc.ConsentRefused(ctx, text)
	}))
	return o
}

func stringArg(a []js.Value, i int) (string, error) {
	if len(a) <= i || a[i].Type() != js.TypeString {
		return "", errBadArgument
	}
	return a[i].String(), nil
}

// messageView is one message of the conversation as the page shows it.
type messageView struct {
	Seq      uint64               `json:"seq"`
	Time     time.Time            `json:"time"`
	Author   string               `json:"author"`
	Mine     bool                 `json:"mine"`
	Kind     envelope.MessageKind `json:"kind"`
	Body     string               `json:"body,omitempty"`
	Verified bool                 `json:"verified"`
	Error    string               `json:"error,omitempty"`
	Evidence *evidenceView        `json:"evidence,omitempty"`
}

type evidenceView struct {
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
}

func viewMessages(msgs []client.Message, party string) []messageView {
	out := make([]messageView, 0, len(msgs))
	for _, m := range msgs {
		v := messageView{Seq: m.Seq, Time: m.Time, Author: m.Author, Mine: m.Author == party, Kind: m.Kind, Body: m.Body, Verified: m.Verified}
		if m.Err != nil {
			v.Error = errorCode(m.Err)
			v.Body = ""
		}
		if m.Evidence != nil {
			v.Evidence = &evidenceView{Name: m.Evidence.Name, MediaType: m.Evidence.MediaType, Size: m.Evidence.Size}
		}
		out = append(out, v)
	}
	return out
}
