// Package fieldwork holds the rules of the field work around a plan: fair station-duty
// rosters, the duty report (which windows were met or missed), the walk between the
// stations a supervisor is rostered to, the checks on inspection campaigns and the
// ledger's CSV export.
//
// It speaks neither SQL nor HTTP: data/ stores and loads the values defined here (it
// satisfies the small loader interfaces below), api/ decodes, authorises and encodes
// around the same calls the command line makes. Rule violations a client can fix come
// back as *InputError so that both callers can tell them from failures.
package fieldwork
