// Package workflow holds the case life cycle and the legal deadlines of a
// French reporting channel, as pure functions of civil dates.
//
// Statuses follow décret 2020-256 and the whistleblowing rules (domain.md):
// received → acknowledged → in_analysis → oriented → closed, with closure
// possible from any open status.
//
// Deadlines (décret 2022-1284, directive 2019/1937 art. 9):
//   - acknowledgement within 7 working days of receipt;
//   - feedback within 3 months of the acknowledgement, or of the end of the 7
//     working days when no acknowledgement was sent;
//   - a meeting within 20 working days of the reporter's request;
//   - the person targeted informed within one month of receipt.
//
// Working days are Monday to Friday except French public holidays, computed
// for any year (Easter by the Meeus/Jones/Butcher algorithm); Alsace-Moselle's
// two extra days are an option. Dates are civil dates (no time zone, no hour):
// the server never stores a time finer than the day for a case.
package workflow
