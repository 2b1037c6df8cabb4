// Package evtx reads Windows XML event logs (.evtx), the first evidence
// collected from every compromised Windows host, and turns their records
// into firebreak events.
//
// It exists because no Go EVTX reader can be had from the module proxy and
// because responders need one that is both complete and fast: files arrive
// by the hundred, some gigabytes long, some half-written or damaged.
//
// The reader works from an io.ReaderAt. A file is a 4 KiB header followed
// by 64 KiB chunks; each chunk is self-contained (its own string and
// template tables), so chunks are decoded in parallel by a bounded pool of
// workers and handed back in file order. Within a chunk, every BinXML
// template is compiled once into a flat run of nodes, and each record is
// rendered straight from that compiled form with its substitution values:
// no token list or tree is built per record, and buffers are reused, so a
// record costs one string allocation for its field values.
//
// A record becomes ordered fields (the System fields under fixed names,
// then EventData, UserData and other payload leaves under their native
// names), which the Decoder sets as an event's original fields before the
// winlog normaliser fills the normalised ones. Dump renders records as
// JSON lines or as XML in the layout of Event Viewer.
//
// Damage is expected, not exceptional: a bad checksum, a broken record or
// an undecodable template is reported with file, chunk, offset and reason,
// and reading continues with what is intact. Chunks past the count in the
// file header (dirty files) are read, and a record scan resynchronises
// after a broken record inside a chunk.
package evtx
