package notify

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
)

// Body is the mail's text: French first, then English. It names the
// organisation and the counts, and nothing else.
func Body(orgName string, c Counts) string {
	fr, en := []string{}, []string{}
	add := func(n int, frOne, frMany, enOne, enMany string) {
		if n <= 0 {
			return
		}
		if n == 1 {
			fr, en = append(fr, "1 "+frOne), append(en, "1 "+enOne)
			return
		}
		fr, en = append(fr, fmt.Sprintf("%d %s", n, frMany)), append(en, fmt.Sprintf("%d %s", n, enMany))
	}
	add(c.NewCases, "nouveau signalement", "nouveaux signalements", "new report", "new reports")
	add(c.NewMessages, "nouveau message", "nouveaux messages", "new message", "new messages")
	add(c.DeadlinesNear, "échéance proche", "échéances proches", "deadline near", "deadlines near")
	add(c.DeadlinesOverdue, "échéance dépassée", "échéances dépassées", "deadline passed", "deadlines passed")
	name := clean(orgName)
	return "Lanterne — " + name + "\n\n" +
		strings.Join(fr, ", ") + " — connectez-vous à votre poste référent.\n\n" +
		strings.Join(en, ", ") + " — log in to your referent workstation.\n"
}

// clean keeps a configured name on one line.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// message is the whole RFC 5322 message.
func message(from string, to []string, orgName string, c Counts, now time.Time) []byte {
	var b bytes.Buffer
	subject := mime.QEncoding.Encode("utf-8", "Lanterne : activité / activity — "+clean(orgName))
	fmt.Fprintf(&b, "From: %s\r\n", clean(from))
	fmt.Fprintf(&b, "To: %s\r\n", clean(strings.Join(to, ", ")))
	fmt.Fprintf(&b, "Subject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(strings.ReplaceAll(Body(orgName, c), "\n", "\r\n")))
	w.Close()
	return b.Bytes()
}
