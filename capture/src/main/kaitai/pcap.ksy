meta:
  id: pcap
  title: Classic libpcap capture file
  file-extension: pcap
  license: Apache-2.0
doc: |
  The original capture file format of libpcap/tcpdump: a 24-byte file header, then records of
  a 16-byte header and the captured bytes. The magic number, written in the writer's byte
  order, gives both the byte order and the timestamp resolution (microseconds or nanoseconds).
  Written for gatelens from the format description; the generated parser is the test oracle
  for the hand-written reader, not the reader itself.
doc-ref:
  - https://www.tcpdump.org/manpages/pcap-savefile.5.html
  - https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/
seq:
  - id: magic
    doc: |
      Read as little-endian so each byte order/resolution pair has a distinct value:
      0xa1b2c3d4 little-endian microseconds, 0xa1b23c4d little-endian nanoseconds,
      0xd4c3b2a1 and 0x4d3cb2a1 the same written big-endian. (Literals rather than named value
      instances: ksc 0.11 types such instances as a Java int and the top-bit ones turn negative.)
    type: u4le
    valid:
      any-of: [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1]
  - id: body
    type: body
instances:
  is_le:
    value: magic == 0xa1b2c3d4 or magic == 0xa1b23c4d
  is_nano:
    value: magic == 0xa1b23c4d or magic == 0x4d3cb2a1
types:
  body:
    meta:
      endian:
        switch-on: _root.is_le
        cases:
          true: le
          false: be
    seq:
      - id: version_major
        type: u2
      - id: version_minor
        type: u2
      - id: thiszone
        doc: Always 0 in practice; timestamps are UTC.
        type: s4
      - id: sigfigs
        type: u4
      - id: snaplen
        type: u4
      - id: network
        doc: |
          Link type in the low bits; newer writers may put FCS information in the top bits,
          which libpcap masks off with 0x03ffffff.
        type: u4
      - id: records
        type: record
        repeat: eos
    instances:
      link_type:
        value: network & 0x03ffffff
  record:
    meta:
      endian:
        switch-on: _root.is_le
        cases:
          true: le
          false: be
    seq:
      - id: ts_sec
        type: u4
      - id: ts_frac
        doc: Microseconds or nanoseconds, see the file magic.
        type: u4
      - id: len_data
        doc: Captured length ("incl_len"); at most the snaplen.
        type: u4
      - id: orig_len
        type: u4
      - id: data
        size: len_data
