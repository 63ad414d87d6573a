package notify

import (
	"bufio"
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanterne/lanterne/server/workflow"
)

// smtpServer is a minimal SMTP listener on 127.0.0.1 that records the
// messages it accepts. While failing is set it refuses MAIL FROM (451).
type smtpServer struct {
	ln      net.Listener
	mu      sync.Mutex
	msgs    []string // decoded bodies with headers
	rcpts   [][]string
	failing bool
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) setFailing(f bool) { s.mu.Lock(); s.failing = f; s.mu.Unlock() }

func (s *smtpServer) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(l string) { io.WriteString(c, l+"\r\n") }
	say("220 test ESMTP")
	var rcpts []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-test\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			s.mu.Lock()
			f := s.failing
			s.mu.Unlock()
			if f {
				say("451 try again later")
				continue
			}
			rcpts = nil
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			rcpts = append(rcpts, strings.TrimSpace(line[len("RCPT TO:"):]))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b.String())
			s.rcpts = append(s.rcpts, rcpts)
			s.mu.Unlock()
			say("250 queued")
		case cmd == "RSET", cmd == "NOOP":
			say("250 ok")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 unknown")
		}
	}
}

// body decodes a recorded message's quoted-printable body.
func body(t *testing.T, msg string) string {
	t.Helper()
	_, b, ok := strings.Cut(msg, "\r\n\r\n")
	if !ok {
		t.Fatalf("no body in %q", msg)
	}
	d, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	return string(d)
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *clock) set(t time.Time)         { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var paris, _ = time.LoadLocation("Europe/Paris")

// Strings a case would carry; none may reach a mail.
const (
	lookupID = "3f2a9c0d4b1e8f7a6c5d4e3f2a1b0c9d"
	caseCode = "K7QX-M2PD-9RTF-4WHN"
	text     = "propos humiliants répétés en réunion"
)

func newTest(t *testing.T, digest bool) (*Notifier, *smtpServer, *clock) {
	t.Helper()
	srv := newSMTPServer(t)
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, paris)}
	n, err := New(Config{
		Orgs: func(org string) (Org, bool) {
			if org != "cdg-69" {
				return Org{}, false
			}
			return Org{Name: "CDG du Rhône", Settings: Settings{Host: "127.0.0.1", Port: srv.port(),
				From: "lanterne@cdg69.example", To: []string{"referent@cdg69.example"}, Digest: digest}}, true
		},
		Coalesce:   10 * time.Minute,
		DigestHour: 8,
		Location:   paris,
		Now:        clk.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, srv, clk
}

func TestBurstGivesOneMail(t *testing.T) {
	ctx := context.Background()
	n, srv, clk := newTest(t, false)
	for range 3 {
		n.Notify("cdg-69", Event{Kind: NewCase})
	}
	n.Flush(ctx)
	n.Flush(ctx)
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails after a burst, want 1", len(msgs))
	}
	b := body(t, msgs[0])
	for _, want := range []string{"CDG du Rhône", "3 nouveaux signalements", "3 new reports", "connectez-vous à votre poste référent"} {
		if !strings.Contains(b, want) {
			t.Errorf("body %q lacks %q", b, want)
		}
	}
	if fr, en := strings.Index(b, "nouveaux"), strings.Index(b, "new reports"); fr > en {
		t.Errorf("English before French in %q", b)
	}

	// A second burst within Coalesce waits; after it, one mail.
	n.Notify("cdg-69", Event{Kind: NewMessage})
	n.Notify("cdg-69", Event{Kind: NewMessage})
	clk.advance(5 * time.Minute)
	n.Flush(ctx)
	if got := len(srv.messages()); got != 1 {
		t.Fatalf("%d mails within the coalescing window, want 1", got)
	}
	clk.advance(6 * time.Minute)
	n.Flush(ctx)
	msgs = srv.messages()
	if len(msgs) != 2 || !strings.Contains(body(t, msgs[1]), "2 nouveaux messages") {
		t.Fatalf("after the window: %d mails, last %q", len(msgs), msgs[len(msgs)-1])
	}
}

func TestMailNamesNoCase(t *testing.T) {
	n, srv, _ := newTest(t, false)
	n.Notify("cdg-69", Event{Kind: NewCase})
	n.Notify("cdg-69", Event{Kind: NewMessage, Count: 1})
	n.Notify("cdg-69", Event{Kind: DeadlineOverdue})
	n.Notify("cdg-69", Event{Kind: DeadlineNear, Count: 2})
	n.Flush(context.Background())
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want 1", len(msgs))
	}
	b := body(t, msgs[0])
	for _, want := range []string{"1 nouveau signalement", "1 nouveau message", "2 échéances proches", "1 échéance dépassée", "1 deadline passed"} {
		if !strings.Contains(b, want) {
			t.Errorf("body %q lacks %q", b, want)
		}
	}
	for _, bad := range []string{lookupID, caseCode, text, "http", "/cases/"} {
		if strings.Contains(msgs[0], bad) || strings.Contains(b, bad) {
			t.Errorf("mail contains %q", bad)
		}
	}
}

func TestDigestOncePerDay(t *testing.T) {
	ctx := context.Background()
	n, srv, clk := newTest(t, true)
	n.Notify("cdg-69", Event{Kind: NewCase})
	n.Notify("cdg-69", Event{Kind: NewMessage})
	clk.advance(time.Hour) // day 1, 11:00: no digest yet today, so one goes now
	n.Flush(ctx)
	if got := len(srv.messages()); got != 1 {
		t.Fatalf("day 1: %d digests, want 1 (first flush after 8:00)", got)
	}
	n.Notify("cdg-69", Event{Kind: NewCase})
	n.Notify("cdg-69", Event{Kind: NewCase})
	clk.advance(8 * time.Hour) // day 1, 19:00
	n.Flush(ctx)
	clk.set(time.Date(2026, 11, 24, 7, 59, 0, 0, paris))
	n.Flush(ctx)
	if got := len(srv.messages()); got != 1 {
		t.Fatalf("before day 2's digest hour: %d mails, want 1", got)
	}
	clk.set(time.Date(2026, 11, 24, 8, 0, 0, 0, paris))
	n.Flush(ctx)
	n.Notify("cdg-69", Event{Kind: NewMessage})
	clk.advance(time.Hour)
	n.Flush(ctx)
	msgs := srv.messages()
	if len(msgs) != 2 {
		t.Fatalf("day 2: %d mails in all, want 2", len(msgs))
	}
	if b := body(t, msgs[1]); !strings.Contains(b, "2 nouveaux signalements") || strings.Contains(b, "message") {
		t.Errorf("day 2 digest %q, want 2 cases and no message", b)
	}
	if got := n.Pending("cdg-69"); got != (Counts{NewMessages: 1}) {
		t.Errorf("pending %+v, want the day's message for tomorrow", got)
	}
}

func TestFailureRetriedWithoutLoss(t *testing.T) {
	ctx := context.Background()
	n, srv, clk := newTest(t, false)
	srv.setFailing(true)
	n.Notify("cdg-69", Event{Kind: NewCase})
	n.Notify("cdg-69", Event{Kind: NewCase})
	n.Flush(ctx)
	if got := len(srv.messages()); got != 0 {
		t.Fatalf("%d mails while failing", got)
	}
	n.Notify("cdg-69", Event{Kind: NewMessage})
	if got := n.Pending("cdg-69"); got != (Counts{NewCases: 2, NewMessages: 1}) {
		t.Fatalf("pending after failure %+v", got)
	}
	srv.setFailing(false)
	clk.advance(time.Minute)
	n.Flush(ctx)
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails after recovery, want 1", len(msgs))
	}
	if b := body(t, msgs[0]); !strings.Contains(b, "2 nouveaux signalements, 1 nouveau message") {
		t.Errorf("body %q", b)
	}
	if !n.Pending("cdg-69").IsZero() {
		t.Errorf("pending after success %+v", n.Pending("cdg-69"))
	}
}

func TestRunAndUnknownOrg(t *testing.T) {
	n, srv, _ := newTest(t, false)
	tick := make(chan time.Time)
	n.cfg.Tick = tick
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- n.Run(ctx) }()
	n.Notify("unknown-org", Event{Kind: NewCase})
	n.Notify("cdg-69", Event{Kind: NewCase})
	tick <- time.Time{}
	tick <- time.Time{} // the first tick's Flush has returned
	cancel()
	<-done
	if got := len(srv.messages()); got != 1 {
		t.Errorf("%d mails, want 1", got)
	}
	if !n.Pending("unknown-org").IsZero() {
		t.Errorf("an organisation without settings keeps events")
	}
}

func TestPlainOnlyToLoopback(t *testing.T) {
	for _, tt := range []struct {
		host string
		want bool
	}{{"127.0.0.1", true}, {"::1", true}, {"localhost", true}, {"smtp.example.org", false}, {"192.0.2.1", false}} {
		err := send(context.Background(), Settings{Host: tt.host, Port: 1, From: "a@b", To: []string{"c@d"}}, nil)
		if (err != errPlain) != tt.want {
			t.Errorf("%s: err %v", tt.host, err)
		}
	}
}

func TestDeadlines(t *testing.T) {
	var cal workflow.Calendar
	today := workflow.Date{Year: 2026, Month: 11, Day: 23}
	late := workflow.Case{Status: workflow.Received, Received: today.AddDays(-30)}
	soon := workflow.Case{Status: workflow.Received, Received: today.AddDays(-5)}
	far := workflow.Case{Status: workflow.Received, Received: today, Acknowledged: today}
	closed := late
	closed.Status = workflow.Closed
	got := Deadlines(cal, []workflow.Case{late, soon, far, closed}, today, 7)
	want := []Event{{DeadlineNear, 1}, {DeadlineOverdue, 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Deadlines = %v, want %v", got, want)
	}
}
