// Package capfile reads and writes packet capture files: classic pcap (both
// byte orders, microsecond and nanosecond timestamps, and the "modified
// pcap" of editcap -F modpcap) and pcapng (any number of sections and
// interfaces, each with its own link type and timestamp resolution,
// per-packet comments, simple packet blocks without time). The reader
// decompresses gzip-compressed files (capture.pcap.gz) on the fly.
//
// It is written against the standard library only, for three reasons:
//
//   - streaming: [Reader.Next] reuses one buffer, so reading a file of any
//     size needs constant memory and allocates nothing per packet;
//   - honest errors: a truncated or corrupt file yields every packet that
//     could be read, then a [FormatError] that names the packet number and
//     what exactly was wrong ("packet 1234: truncated record: header says
//     1514 bytes, file ends after 600");
//   - comments: [NgWriter] writes the pcapng opt_comment option on each
//     packet, which Wireshark shows as a packet comment.
//
// # Typical usage
//
//	r, err := capfile.NewReader(f)
//	if err != nil { ... }
//	for {
//		rec, err := r.Next()
//		if err == io.EOF { break }
//		if err != nil { return err } // a *FormatError for a bad file
//		use(rec.Time, rec.LinkType, rec.Data) // Data is valid until the next call
//	}
package capfile
