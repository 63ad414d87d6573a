// Package notify tells an organisation's referents, by email, that there is
// something to look at on their referent workstation: new cases, new
// messages, deadlines near or passed.
//
// Invariants:
//   - A mail says only the organisation's name and counts. Events carry
//     counts and nothing else, so no lookup id, case code, route of a
//     single case, content or link identifying a case can reach a mail.
//   - Counts are never lost: they stay queued until a mail carrying them
//     was accepted by the SMTP server; a failed send is retried on a later
//     tick.
//   - At most one immediate mail per organisation per Config.Coalesce; in
//     digest mode, at most one mail per organisation per civil day.
//   - Plain (unencrypted) SMTP is used only to a loopback host; any other
//     host needs Settings.StartTLS.
//   - Logs name the organisation id and counts, never a recipient's address
//     or the SMTP credentials.
//
// A Notifier keeps its queue in memory: counts not yet sent are lost when
// the process stops. It has no global state.
package notify
