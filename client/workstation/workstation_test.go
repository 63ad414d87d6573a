package workstation

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"
)

type fakeCase struct {
	st       api.CaseStatus
	rep      envelope.Report
	replies  []string
	requests []string
	notices  []string
}

func (f *fakeCase) Identity() (*envelope.Identity, string) { return nil, f.st.IdentityState }
func (f *fakeCase) RequestIdentity(_ context.Context, text string) error {
	f.requests = append(f.requests, text)
	f.st.IdentityState = "requested"
	return nil
}
func (f *fakeCase) SetStatus(_ context.Context, status, notice string) error {
	f.st.Status = status
	f.notices = append(f.notices, notice)
	return nil
}
func (f *fakeCase) Refresh(context.Context) error { return nil }
func (f *fakeCase) MarkRead(_ context.Context, seq uint64) error {
	f.st.ReadByReferents = seq
	return nil
}
func (f *fakeCase) Download(_ context.Context, it envelope.EvidenceItem, w io.Writer) error {
	if it.FileID != testFile.FileID {
		return errors.New("unknown file")
	}
	_, err := w.Write([]byte("<script>CONTENU</script>"))
	return err
}

var testFile = envelope.EvidenceItem{FileID: "ffffffff000000000000000000000001", Name: "preuve <1>.html", MediaType: "text/html", Size: 24}

func (f *fakeCase) Case() api.CaseStatus    { return f.st }
func (f *fakeCase) Report() envelope.Report { return f.rep }
func (f *fakeCase) Messages(context.Context) ([]client.Message, error) {
	var out []client.Message
	ev := client.Message{Seq: 100, Verified: true}
	ev.Author, ev.Kind, ev.Evidence = "reporter", envelope.MessageEvidenceAdded, &testFile
	out = append(out, ev)
	for i, r := range f.replies {
		m := client.Message{Seq: uint64(i + 1), Verified: true}
		m.Author, m.Kind, m.Body = "alice", envelope.MessageText, r
		out = append(out, m)
	}
	return out, nil
}
func (f *fakeCase) Reply(_ context.Context, body string) (uint64, error) {
	f.replies = append(f.replies, body)
	return uint64(len(f.replies)), nil
}

type fakeSession map[string]*fakeCase

func (s fakeSession) Inbox(context.Context) ([]api.CaseStatus, error) {
	var out []api.CaseStatus
	for _, c := range s {
		out = append(out, c.st)
	}
	return out, nil
}
func (s fakeSession) Open(_ context.Context, id string) (Case, error) {
	c, ok := s[id]
	if !ok {
		return nil, &client.APIError{Status: 404}
	}
	return c, nil
}

var testNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func newTestApp(t *testing.T) (*Workstation, fakeSession, *httptest.Server) {
	t.Helper()
	s := fakeSession{
		"aaaaaaaa000000000000000000000001": {st: api.CaseStatus{LookupID: "aaaaaaaa000000000000000000000001", Route: "avdhas", Status: "received", Received: "2026-11-30",
			Deadlines: api.Deadlines{AckDue: "2026-12-09", FeedbackDue: "2027-03-09"}},
			rep: envelope.Report{Category: envelope.CategorySexistAct, Facts: "FAITS-UN"}},
		"bbbbbbbb000000000000000000000002": {st: api.CaseStatus{LookupID: "bbbbbbbb000000000000000000000002", Route: "avdhas", Status: "received", Received: "2026-12-01",
			Deadlines: api.Deadlines{AckDue: "2026-11-20"}, Overdue: []string{"ack"}},
			rep: envelope.Report{Category: envelope.CategoryMoralHarassment, Facts: "FAITS-DEUX"}},
	}
	ws, err := New(Config{Session: s, Referent: "Alice", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config.Handler = ws.Handler(ts.Listener.Addr().String())
	ts.Start()
	t.Cleanup(ts.Close)
	return ws, s, ts
}

// browserFor is a client that keeps cookies (the app must set none) and
// does not follow redirects.
func browserFor(t *testing.T) *http.Client {
	t.Helper()
	jar := &cookieJar{}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type cookieJar struct{ cookies []*http.Cookie }

func (j *cookieJar) SetCookies(_ *url.URL, cs []*http.Cookie) { j.cookies = append(j.cookies, cs...) }
func (j *cookieJar) Cookies(*url.URL) []*http.Cookie          { return j.cookies }

func do(t *testing.T, hc *http.Client, method, u string, header map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s %s: missing security headers", method, u)
	}
	return resp.StatusCode, b.String()
}

func TestGuard(t *testing.T) {
	ws, _, ts := newTestApp(t)
	origin := ts.URL
	hc := browserFor(t)
	// Without the token in the path, nothing, and no content.
	for _, path := range []string{"/", "/case/aaaaaaaa000000000000000000000001", "/s/wrong/", "/s/" + ws.token, "/s/" + ws.token + "x/", "/s//" + ws.token + "/", "/style.css"} {
		if status, body := do(t, hc, "GET", origin+path, nil, ""); status != http.StatusForbidden || strings.Contains(body, "FAITS") {
			t.Errorf("GET %s: %d, want 403", path, status)
		}
	}
	if status, body := do(t, hc, "GET", origin+ws.base+"/", nil, ""); status != 200 || !strings.Contains(body, "Agissement sexiste") {
		t.Fatalf("inbox with the token: %d", status)
	}
	// No cookie: it would go to every other server on 127.0.0.1.
	resp, err := hc.Get(origin + ws.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(resp.Cookies()) != 0 {
		t.Errorf("the app sets cookies %v", resp.Cookies())
	}
	// DNS rebinding: another Host name for the same address is refused.
	if status, _ := do(t, hc, "GET", origin+ws.base+"/", map[string]string{"Host": "evil.example:80"}, ""); status != http.StatusForbidden {
		t.Errorf("another Host: %d", status)
	}
	// Another page in the same browser cannot post for the referent.
	form := "body=" + url.QueryEscape("réponse")
	reply := origin + ws.base + "/case/aaaaaaaa000000000000000000000001/reply"
	for name, h := range map[string]map[string]string{
		"no origin":           nil,
		"other origin":        {"Origin": "http://evil.example"},
		"cross-site fetch":    {"Sec-Fetch-Site": "cross-site"},
		"other loopback port": {"Origin": "http://127.0.0.1:1"},
	} {
		if status, _ := do(t, hc, "POST", reply, h, form); status != http.StatusForbidden {
			t.Errorf("POST with %s: %d, want 403", name, status)
		}
	}
	if status, _ := do(t, hc, "POST", reply, map[string]string{"Origin": origin}, form); status != http.StatusSeeOther {
		t.Errorf("POST from its own page: %d", status)
	}
	// Every link of the pages keeps the token.
	_, page := do(t, hc, "GET", origin+ws.base+"/case/aaaaaaaa000000000000000000000001", nil, "")
	for _, m := range regexp.MustCompile(`(?:href|action)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], ws.base+"/") && !strings.HasPrefix(m[1], "#") {
			t.Errorf("link %q leaves the session", m[1])
		}
	}
}

func TestInboxAndReply(t *testing.T) {
	ws, s, ts := newTestApp(t)
	hc := browserFor(t)
	_, body := do(t, hc, "GET", ts.URL+ws.base+"/", nil, "")
	late, fresh := strings.Index(body, "bbbbbbbb"), strings.Index(body, "aaaaaaaa")
	if late < 0 || fresh < 0 || late > fresh {
		t.Errorf("the overdue case is not listed first")
	}
	if !strings.Contains(body, "Harcèlement moral") || !strings.Contains(body, "<td>8</td>") {
		t.Errorf("the inbox lacks the decrypted category or the days left:\n%s", body)
	}
	status, _ := do(t, hc, "POST", ts.URL+ws.base+"/case/aaaaaaaa000000000000000000000001/reply", map[string]string{"Origin": ts.URL}, "body="+url.QueryEscape("Bien reçu <b>merci</b>"))
	if status != http.StatusSeeOther {
		t.Fatalf("reply: %d", status)
	}
	if got := s["aaaaaaaa000000000000000000000001"].replies; len(got) != 1 || got[0] != "Bien reçu <b>merci</b>" {
		t.Errorf("replies sent: %q", got)
	}
	_, page := do(t, hc, "GET", ts.URL+ws.base+"/case/aaaaaaaa000000000000000000000001?done=sent", nil, "")
	if !strings.Contains(page, "FAITS-UN") || !strings.Contains(page, "Bien reçu &lt;b&gt;merci&lt;/b&gt;") {
		t.Errorf("the case page lacks the report or the escaped reply")
	}
	if status, _ := do(t, hc, "POST", ts.URL+ws.base+"/case/aaaaaaaa000000000000000000000001/reply", map[string]string{"Origin": ts.URL}, "body=+"); status != http.StatusBadRequest {
		t.Errorf("an empty reply: %d", status)
	}
	if status, _ := do(t, hc, "GET", ts.URL+ws.base+"/case/cccccccc000000000000000000000003", nil, ""); status != http.StatusNotFound {
		t.Errorf("an unknown case: %d", status)
	}
}

func TestListensOnLoopbackOnly(t *testing.T) {
	ws, err := New(Config{Session: fakeSession{}})
	if err != nil {
		t.Fatal(err)
	}
	ln, first, err := ws.Listen()
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().(*net.TCPAddr)
	if !addr.IP.IsLoopback() || addr.Port == 0 {
		t.Errorf("listens on %s", addr)
	}
	u, err := url.Parse(first)
	if err != nil || u.Host != ln.Addr().String() || u.Path != ws.base+"/" || len(ws.token) < 40 {
		t.Errorf("first URL %q", first)
	}
	other, _ := New(Config{Session: fakeSession{}})
	if other.token == ws.token {
		t.Error("two workstations share a token")
	}
}

func TestIdentityRequestAndStatus(t *testing.T) {
	ws, s, ts := newTestApp(t)
	hc := browserFor(t)
	own := map[string]string{"Origin": ts.URL}
	c := s["aaaaaaaa000000000000000000000001"]
	c.st.IdentityState = "sealed"
	_, page := do(t, hc, "GET", ts.URL+ws.base+"/case/"+c.st.LookupID, nil, "")
	if !strings.Contains(page, "/identity-request") || !strings.Contains(page, `<option value="acknowledged">`) || strings.Contains(page, `<option value="in_analysis">`) {
		t.Errorf("a received case with a sealed identity: the page should offer the request and only the workflow's next statuses")
	}
	if status, _ := do(t, hc, "POST", ts.URL+ws.base+"/case/"+c.st.LookupID+"/identity-request", own, "text="+url.QueryEscape("Pour vous protéger")); status != http.StatusSeeOther {
		t.Fatalf("identity request: %d", status)
	}
	if len(c.requests) != 1 || c.requests[0] != "Pour vous protéger" {
		t.Errorf("identity requests sent: %q", c.requests)
	}
	// A status the workflow does not allow from here is refused, and nothing is sent.
	if status, _ := do(t, hc, "POST", ts.URL+ws.base+"/case/"+c.st.LookupID+"/status", own, "to=in_analysis&notice=x"); status != http.StatusBadRequest || len(c.notices) != 0 {
		t.Errorf("received → in_analysis: %d, notices %q", status, c.notices)
	}
	if status, _ := do(t, hc, "POST", ts.URL+ws.base+"/case/"+c.st.LookupID+"/status", own, "to=acknowledged&notice="+url.QueryEscape("Nous accusons réception.")); status != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d", status)
	}
	if c.st.Status != "acknowledged" || len(c.notices) != 1 || c.notices[0] != "Nous accusons réception." {
		t.Errorf("after acknowledging: status %s, notices %q", c.st.Status, c.notices)
	}
	if status, _ := do(t, hc, "POST", ts.URL+ws.base+"/case/"+c.st.LookupID+"/status", map[string]string{"Origin": "http://evil.example"}, "to=closed"); status != http.StatusForbidden || c.st.Status != "acknowledged" {
		t.Errorf("a cross-origin status change: %d, status %s", status, c.st.Status)
	}
}

func TestDownloadIsAnAttachment(t *testing.T) {
	ws, _, ts := newTestApp(t)
	hc := browserFor(t)
	_, page := do(t, hc, "GET", ts.URL+ws.base+"/case/aaaaaaaa000000000000000000000001", nil, "")
	link := ws.base + "/case/aaaaaaaa000000000000000000000001/file/" + testFile.FileID
	if !strings.Contains(page, `href="`+link+`"`) || !strings.Contains(page, "preuve &lt;1&gt;.html") {
		t.Fatalf("the case page does not list the file")
	}
	req, _ := http.NewRequest("GET", ts.URL+link, nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "<script>CONTENU</script>" {
		t.Fatalf("download: %d %q", resp.StatusCode, body)
	}
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "application/octet-stream" || !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("a file claiming text/html is served as %q, %q: it must never render", ct, cd)
	}
	if status, _ := do(t, hc, "GET", ts.URL+ws.base+"/case/aaaaaaaa000000000000000000000001/file/ffffffff000000000000000000000009", nil, ""); status != http.StatusNotFound {
		t.Errorf("an unknown file: %d", status)
	}
}

func TestSearchIsLocalAndReadReceipts(t *testing.T) {
	ws, s, ts := newTestApp(t)
	hc := browserFor(t)
	_, body := do(t, hc, "GET", ts.URL+ws.base+"/?q="+url.QueryEscape("faits-deux"), nil, "")
	if !strings.Contains(body, "bbbbbbbb") || strings.Contains(body, "aaaaaaaa") {
		t.Errorf("searching the decrypted facts for one case's words should list that case only")
	}
	_, body = do(t, hc, "GET", ts.URL+ws.base+"/?q="+url.QueryEscape("agissement"), nil, "")
	if !strings.Contains(body, "aaaaaaaa") || strings.Contains(body, "bbbbbbbb") {
		t.Errorf("searching a category's label should list its cases only")
	}
	_, body = do(t, hc, "GET", ts.URL+ws.base+"/?q=introuvable", nil, "")
	if !strings.Contains(body, "Aucun dossier ne contient") {
		t.Errorf("a search with no result says nothing")
	}
	c := s["aaaaaaaa000000000000000000000001"]
	c.st.Messages = 100
	_, body = do(t, hc, "GET", ts.URL+ws.base+"/", nil, "")
	if !strings.Contains(body, "<strong>100</strong>") {
		t.Errorf("the inbox does not count the unread messages")
	}
	do(t, hc, "GET", ts.URL+ws.base+"/case/"+c.st.LookupID, nil, "")
	if c.st.ReadByReferents != 100 {
		t.Errorf("showing the case sent no read receipt up to the last message (read %d)", c.st.ReadByReferents)
	}
}
