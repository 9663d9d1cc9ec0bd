// Package feedback stores what customers tell a help center and what they
// search for: the answers to "Was this article helpful?", every search with
// its result count and filters, and the result a customer then chose. kb
// report reads it back; kb serve's HTTP endpoints write it (through a
// Writer).
//
// # Databases
//
// Open picks the database by its URL: postgres://… or postgresql://… is
// PostgreSQL (through pgx), for teams running several kb serve replicas on
// one database; anything else is the path of an SQLite file (through
// modernc.org/sqlite, so kb stays free of cgo), .kb/kb.db by default. Both
// run the same SQL through database/sql, with $1-style placeholders, which
// both understand; only the connection settings differ.
//
// Open applies the schema's migrations (schema.go), in one transaction under
// a lock (PostgreSQL: an advisory lock; SQLite: the write lock its BEGIN
// IMMEDIATE takes), so replicas that start together migrate once. A
// database whose schema is newer than this kb knows is refused.
//
// # What is kept
//
// Every table is prefixed kb_, so the database can be shared with others.
// Times are Unix milliseconds (UTC) in BIGINT columns, in both databases.
//
//	kb_feedback  one answer: the page (a site path), helpful (1 yes, 0 no),
//	             a reason (only with no; one of Reasons, or empty) and a
//	             comment (at most 1,000 characters, masked)
//	kb_searches  one search: the query (masked), its result count and its
//	             filters (type, product)
//	kb_clicks    the page a customer chose from a search's results
//	kb_salts     the salt of the current day (below)
//	kb_schema    the migrations applied
//
// # Privacy
//
// No cookies and no client address is stored. A client's address (an IPv4
// address, or the /64 network of an IPv6 one, whose lower half privacy
// extensions rotate) is hashed with HMAC-SHA-256 under a random salt of the
// day (UTC). The salt lives in kb_salts, so replicas share it; at the first
// write or Open of a new day the older salts are deleted and the older
// hashes set to NULL, so once its day is over a hash links to nothing. The
// hash is used for two things only: rate limiting (Options.FeedbackPerHour,
// Options.SearchesPerHour) and de-duplication (a second answer from one
// client about one page on one day replaces the first: the "No" and the
// reason given after it are one answer). Mask replaces email addresses and
// phone numbers in comments and queries before they are stored.
//
// # Durability
//
// A Record method returns nil only once its row is committed. SQLite runs in
// WAL mode with synchronous=FULL: every commit fsyncs the WAL, so a committed
// row survives the process being killed (kill -9, which NORMAL would also
// survive, since the WAL is in the OS's cache) and also a power cut or an OS
// crash (which NORMAL would not: it syncs only at checkpoints). PostgreSQL
// commits durably with its default synchronous_commit=on. TestKillDurability
// kills a writing process and checks every acknowledged row.
//
// # Writing from a server
//
// A durable commit takes about 1.7 ms on SQLite, which takes one writer at
// a time. kb serve writes through a Writer (writer.go): a bounded queue
// that one goroutine drains, committing what gathered while the previous
// commit ran in one transaction (group commit). An answer
// (Writer.Feedback) still returns only once its transaction is committed;
// a search or click (Writer.Search, Writer.Click) is checked and queued,
// and the search is answered without waiting for the disk: what was
// queued when the process died, or dropped from a full queue, is lost,
// and only that. A client flooding the server is turned away in memory
// (a token bucket per address, for the day) before its writes reach the
// queue.
//
// # Errors
//
// Bad input (a page that is not a site path, helpful other than yes or no,
// an unknown reason, a comment over 1,000 characters, text that is not
// UTF-8) is an *InputError and nothing is stored: the HTTP layer answers 400
// with its message. ErrRateLimited is a client over its hourly allowance
// (429 for feedback; a search over it is answered but not recorded).
package feedback
