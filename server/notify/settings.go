package notify

// Settings are an organisation's SMTP settings.
type Settings struct {
	Host     string   `json:"host"`
	Port     int      `json:"port"`               // 0 means 587
	Username string   `json:"username,omitempty"` // empty: no authentication
	Password string   `json:"password,omitempty"`
	From     string   `json:"from"`
	To       []string `json:"to"`
	// StartTLS upgrades the connection before anything else is sent, and
	// fails if the server does not offer it. Without it, only a loopback
	// Host is accepted.
	StartTLS bool `json:"starttls"`
	// Digest sends one mail a day (at Config.DigestHour) instead of a mail
	// shortly after each burst of events.
	Digest bool `json:"digest"`
}

// Org is what the Notifier needs to know about an organisation.
type Org struct {
	Name     string // shown in the mail
	Settings Settings
}

func (s Settings) enabled() bool { return s.Host != "" && s.From != "" && len(s.To) > 0 }
