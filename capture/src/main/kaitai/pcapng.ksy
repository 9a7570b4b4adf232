meta:
  id: pcapng
  title: PCAP Next Generation capture file
  file-extension: pcapng
  license: Apache-2.0
doc: |
  A pcapng file is one or more sections. Each section opens with a Section Header Block whose
  byte-order magic fixes the byte order of every block up to the next section header, so a
  section is modelled as a type with calculated endianness. Blocks are
  type / total length / body / total length again; bodies of the block types gatelens reads are
  parsed, any other block is kept as raw bytes. Interface ids in packet blocks count from 0 in
  each section. Written for gatelens from the format description; the generated parser is the
  test oracle for the hand-written reader.
doc-ref: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/
seq:
  - id: sections
    type: section
    repeat: eos
types:
  section:
    seq:
      - id: shb_type
        contents: [0x0a, 0x0d, 0x0d, 0x0a]
      - id: shb_total_length_le
        doc: Read before the byte order is known; see shb_total_length.
        type: u4le
      - id: byte_order_magic
        type: u4le
        valid:
          any-of: [0x1a2b3c4d, 0x4d3c2b1a]
      - id: body
        type: section_body
    instances:
      is_le:
        value: byte_order_magic == 0x1a2b3c4d
      shb_total_length:
        value: >-
          is_le ? shb_total_length_le :
          (((shb_total_length_le & 0xff) << 24) | ((shb_total_length_le & 0xff00) << 8)
          | ((shb_total_length_le >> 8) & 0xff00) | ((shb_total_length_le >> 24) & 0xff))
  section_body:
    meta:
      endian:
        switch-on: _parent.is_le
        cases:
          true: le
          false: be
    seq:
      - id: version_major
        type: u2
      - id: version_minor
        type: u2
      - id: section_length
        doc: -1 when the writer did not know it.
        type: s8
      - id: options
        size: _parent.shb_total_length - 28
        type: options(_parent.is_le)
      - id: trailing_total_length
        type: u4
        valid: _parent.shb_total_length
      - id: blocks
        type: block(_parent.is_le)
        repeat: until
        repeat-until: _.is_last_in_section
        if: not is_last_in_section
    instances:
      is_last_in_section:
        value: _io.eof or next_block_type == 0x0a0d0d0a
      next_block_type:
        doc: The block type after this one; a section ends where the next one starts.
        pos: _io.pos
        type: u4le
        if: not _io.eof
  block:
    params:
      - id: is_le
        type: bool
    meta:
      endian:
        switch-on: is_le
        cases:
          true: le
          false: be
    seq:
      - id: block_type
        doc: Signed only so the generated Java can switch on it (Java has no switch on long).
        type: s4
      - id: total_length
        type: u4
        valid:
          min: 12
      - id: body
        size: total_length - 12
        type:
          switch-on: block_type
          cases:
            1: interface_description(is_le)
            2: packet(is_le)
            3: simple_packet(is_le)
            6: enhanced_packet(is_le)
      - id: trailing_total_length
        type: u4
        valid: total_length
    instances:
      is_last_in_section:
        value: _io.eof or next_block_type == 0x0a0d0d0a
      next_block_type:
        pos: _io.pos
        type: u4le
        if: not _io.eof
  interface_description:
    params:
      - id: is_le
        type: bool
    meta:
      endian:
        switch-on: is_le
        cases:
          true: le
          false: be
    seq:
      - id: link_type
        type: u2
      - id: reserved
        type: u2
      - id: snaplen
        doc: 0 means no limit.
        type: u4
      - id: options
        size-eos: true
        type: options(is_le)
  enhanced_packet:
    params:
      - id: is_le
        type: bool
    meta:
      endian:
        switch-on: is_le
        cases:
          true: le
          false: be
    seq:
      - id: interface_id
        type: u4
      - id: ts_high
        type: u4
      - id: ts_low
        type: u4
      - id: len_data
        doc: Captured length.
        type: u4
      - id: original_len
        type: u4
      - id: data
        size: len_data
      - id: padding
        size: (4 - len_data % 4) % 4
      - id: options
        size-eos: true
        type: options(is_le)
  simple_packet:
    doc: |
      No interface id (always interface 0 of the section) and no timestamp. The captured length
      is min(original_len, the interface's snaplen); data also holds the padding.
    params:
      - id: is_le
        type: bool
    meta:
      endian:
        switch-on: is_le
        cases:
          true: le
          false: be
    seq:
      - id: original_len
        type: u4
      - id: data_and_padding
        size-eos: true
  packet:
    doc: Obsolete predecessor of the Enhanced Packet Block.
    params:
      - id: is_le
        type: bool
    meta:
      endian:
        switch-on: is_le
        cases:
          true: le
          false: be
    seq:
      - id: interface_id
        type: u2
      - id: drops_count
        type: u2
      - id: ts_high
        type: u4
      - id: ts_low
        type: u4
      - id: len_data
        doc: Captured length.
        type: u4
      - id: original_len
        type: u4
      - id: data
        size: len_data
      - id: padding
        size: (4 - len_data % 4) % 4
      - id: options
        size-eos: true
        type: options(is_le)
  options:
    params:
      - id: is_le
        type: bool
    meta:
      endian:
        switch-on: is_le
        cases:
          true: le
          false: be
    seq:
      - id: entries
        type: option(is_le)
        repeat: eos
  option:
    doc: |
      Code 0 ends the list, code 1 is a comment in any block. In an interface description:
      2 if_name, 3 if_description, 9 if_tsresol (one byte; high bit clear: 10^-n seconds,
      set: 2^-n), 11 if_filter, 14 if_tsoffset (signed seconds added to every timestamp).
    params:
      - id: is_le
        type: bool
    meta:
      endian:
        switch-on: is_le
        cases:
          true: le
          false: be
    seq:
      - id: code
        type: u2
      - id: len_value
        type: u2
      - id: value
        size: len_value
      - id: padding
        size: (4 - len_value % 4) % 4
