#!/usr/bin/python3
"""Write the seed corpus of fuzz_tcp_hdr: TCP headers with every option
kind, truncated and malformed options, EOL and NOP runs, in the target's
format: two control bytes (segment split; bytes before the header and
padding after it, see fuzz_tcp_hdr.c), then the TCP segment."""
import os
import struct
import sys

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20

EOL = b"\x00"
NOP = b"\x01"


def mss(v=1460):
    return struct.pack("!BBH", 2, 4, v)


def ws(v=7):
    return struct.pack("!BBB", 3, 3, v)


SACK_OK = b"\x04\x02"


def sack(*blocks):
    return struct.pack("!BB", 5, 2 + 8 * len(blocks)) + b"".join(
        struct.pack("!II", a, b) for a, b in blocks)


def ts(val=0x01020304, ecr=0):
    return struct.pack("!BBII", 8, 10, val, ecr)


def tcp(opts=b"", flags=ACK, payload=b"", sport=40000, dport=80,
        doff=None, seq=1000, ack=2000, win=64240, pad=True):
    """A TCP segment; options padded to 4 bytes with EOL unless @pad is
    false (then @doff must be given)."""
    if pad and len(opts) % 4:
        opts += EOL * (4 - len(opts) % 4)
    if doff is None:
        doff = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4,
                      flags, win, 0, 0)
    return hdr + opts + payload


LINUX_SYN = mss() + SACK_OK + ts() + NOP + ws(7)

SEGMENTS = {
    # What real stacks send
    "syn_linux": tcp(LINUX_SYN, SYN, ack=0),
    "synack_linux": tcp(mss(1400) + NOP + NOP + SACK_OK + NOP + ws(10),
                        SYN | ACK),
    "syn_bsd": tcp(mss() + NOP + ws(6) + SACK_OK + ts() + EOL, SYN, ack=0),
    "syn_windows": tcp(mss() + NOP + ws(8) + NOP + NOP + SACK_OK, SYN,
                       ack=0),
    "syn_plain": tcp(b"", SYN, ack=0),
    "ack_ts_payload": tcp(NOP + NOP + ts(5, 6), ACK | PSH,
                          b"GET / HTTP/1.1\r\n\r\n"),
    "ack_sack1": tcp(NOP + NOP + sack((3000, 4000)), ACK),
    "ack_sack4": tcp(NOP + NOP + sack((1, 2), (3, 4), (5, 6), (7, 8)), ACK),
    "ack_sack3_ts": tcp(NOP + NOP + ts() + NOP + NOP +
                        sack((1, 2), (3, 4), (5, 6)), ACK),
    "fin_ack": tcp(b"", FIN | ACK),
    "rst": tcp(b"", RST),
    "urg_all_flags": tcp(b"", 0xff & ~(SYN), b"x"),
    "mss_on_ack": tcp(mss(9000) + ws(14), ACK, b"data"),
    "fastopen": tcp(mss() + struct.pack("!BB", 34, 10) + b"cookie12",
                    SYN, b"early data", ack=0),
    "md5sig": tcp(struct.pack("!BB", 19, 18) + b"\x11" * 16, SYN, ack=0),
    "tcp_ao": tcp(struct.pack("!BBBB", 29, 8, 1, 2) + b"\x22" * 4, ACK),
    "mptcp": tcp(struct.pack("!BBBB", 30, 12, 0x00, 0x81) + b"\x33" * 8,
                 SYN, ack=0),
    "experimental": tcp(struct.pack("!BBH", 254, 4, 0xf989) +
                        struct.pack("!BB", 253, 2), SYN, ack=0),
    "full_40_options": tcp(LINUX_SYN + sack((1, 2)) + NOP * 6, SYN, ack=0),
    # EOL and NOP runs
    "nop_run_40": tcp(NOP * 40, SYN, ack=0),
    "eol_run_40": tcp(EOL * 40, SYN, ack=0),
    "eol_then_garbage": tcp(EOL + b"\x02\x01\xff\xff", SYN, ack=0),
    "nops_then_mss": tcp(NOP * 3 + mss(536), SYN, ack=0),
    # Malformed options
    "opt_len0": tcp(b"\x08\x00" + b"\x00" * 8, SYN, ack=0),
    "opt_len1": tcp(b"\x04\x01\x00\x00", SYN, ack=0),
    "opt_kind_last": tcp(NOP * 3 + b"\x02", SYN, ack=0, pad=False, doff=6),
    "opt_past_header": tcp(b"\x08\x0a\x00\x00", SYN, b"payload", ack=0),
    "mss_len3": tcp(b"\x02\x03\x05\x00", SYN, ack=0),
    "mss_len5": tcp(b"\x02\x05\x05\xb4\x00" + EOL * 3, SYN, ack=0),
    "mss_cut": tcp(NOP * 2 + b"\x02\x04\x05", SYN, ack=0, pad=False,
                   doff=6),
    "ws_len4": tcp(b"\x03\x04\x07\x00", SYN, ack=0),
    "ws_15": tcp(NOP + ws(15), SYN, ack=0),
    "ws_255": tcp(NOP + ws(255), SYN, ack=0),
    "ws_cut": tcp(NOP * 2 + b"\x03\x03", SYN, ack=0, pad=False, doff=6),
    "sack_cut": tcp(b"\x05\x0a" + b"\x00" * 6, ACK, pad=False, doff=7),
    "mss_twice": tcp(mss(1000) + mss(2000), SYN, ack=0),
    "opt_len255": tcp(b"\xfe\xff" + b"\x00" * 38, SYN, ack=0),
    # Header fields
    "doff_4": tcp(b"", ACK, doff=4),
    "doff_0": tcp(b"", ACK, doff=0),
    "doff_15_short": tcp(NOP * 4, SYN, ack=0, pad=False, doff=15),
    "doff_past_segment": tcp(b"", ACK, b"abcd", doff=7),
    "sport_0": tcp(b"", SYN, sport=0, ack=0),
    "dport_0": tcp(b"", SYN, dport=0, ack=0),
    "syn_rst": tcp(mss(), SYN | RST, ack=0),
    "syn_fin": tcp(b"", SYN | FIN, ack=0),
    "ecn_bits": tcp(b"", SYN | 0xc0, ack=0),
    "header_19": tcp(b"", ACK)[:19],
    "header_1": b"\x9c",
    "empty": b"",
}

# Also written split (byte 0 0x8e: pieces of 14, 34 and the rest) with an
# IP header's worth of bytes in front and Ethernet padding behind (byte 1
# 0xf4: 4 before, 15 after), so options straddle pieces.
SPLIT = ("syn_linux", "synack_linux", "ack_ts_payload", "ack_sack4",
         "full_40_options", "nop_run_40", "opt_len0", "opt_kind_last",
         "opt_past_header", "mss_cut", "ws_cut", "doff_past_segment")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "corpus", "tcp_hdr")
    os.makedirs(out, exist_ok=True)
    for name, seg in SEGMENTS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"\x00\x00" + seg)
        if name in SPLIT:
            with open(os.path.join(out, name + "_split"), "wb") as f:
                f.write(b"\x8e\xf4" + seg)


if __name__ == "__main__":
    main()
