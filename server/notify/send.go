package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"
)

// errPlain refuses an unencrypted connection to a remote host.
var errPlain = errors.New("notify: plain SMTP is only allowed to a loopback host; set StartTLS")

// send delivers msg with s. Its errors never contain the password or the
// recipients.
func send(ctx context.Context, s Settings, msg []byte) error {
	if !s.StartTLS && !isLoopback(s.Host) {
		return errPlain
	}
	port := s.Port
	if port == 0 {
		port = 587
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("notify: connecting to the SMTP server: %w", err)
	}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("notify: SMTP greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("notify: EHLO: %w", err)
	}
	if s.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("notify: the SMTP server does not offer STARTTLS")
		}
		if err := c.StartTLS(&tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("notify: STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return errors.New("notify: SMTP authentication failed")
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("notify: MAIL FROM refused%s", code(err))
	}
	for i, to := range s.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("notify: recipient %d refused%s", i+1, code(err)) // no address in logs
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("notify: DATA refused%s", code(err))
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("notify: sending the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("notify: message refused%s", code(err))
	}
	return c.Quit()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// code is an SMTP reply's code without its text, which may quote an
// address; other errors (network) are kept.
func code(err error) string {
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Sprintf(" (SMTP %d)", te.Code)
	}
	return ": " + err.Error()
}
