#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the committed seed corpora of fuzz_dhcp and fuzz_dns: a few valid
messages of each type and a few malformed ones. Run from the tree's top:
    python3 tests/fuzz/seeds_dhcp_dns.py
"""
import os
import struct

MAC = bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
COOKIE = bytes([99, 130, 83, 99])


def ip(s):
    return bytes(int(x) for x in s.split('.'))


def bootp(op=1, htype=1, hlen=6, flags=0, ciaddr='0.0.0.0',
          giaddr='0.0.0.0', chaddr=MAC, cookie=COOKIE):
    h = struct.pack('!BBBBIHH', op, htype, hlen, 0, 0x3903f326, 0, flags)
    h += ip(ciaddr) + bytes(8) + ip(giaddr)
    h += chaddr.ljust(16, b'\0') + bytes(64 + 128)
    return h + cookie


def opt(code, data):
    return bytes([code, len(data)]) + data


def dhcp(mtype, extra=b'', end=True, pad_to=300, **kw):
    m = bootp(**kw) + opt(53, bytes([mtype])) + extra
    if end:
        m += b'\xff'
    return m.ljust(pad_to, b'\0')


# What a Linux client typically sends: client id, host name, parameter
# request list, maximum message size
CLIENT = (opt(61, b'\x01' + MAC) + opt(12, b'guest') +
          opt(55, bytes([1, 3, 6, 12, 15, 26, 28, 42, 51, 54, 58, 59, 119])) +
          opt(57, struct.pack('!H', 1500)))
SID = opt(54, ip('10.0.2.2'))
REQ = opt(50, ip('10.0.2.15'))

DHCP = {
    'discover': dhcp(1, CLIENT),
    'discover_bcast': dhcp(1, CLIENT, flags=0x8000),
    'request_selecting': dhcp(3, CLIENT + SID + REQ),
    'request_init_reboot_nak': dhcp(3, opt(50, ip('192.168.1.9'))),
    'request_renewing': dhcp(3, CLIENT, ciaddr='10.0.2.15'),
    'request_other_server': dhcp(3, opt(54, ip('10.0.2.9')) + REQ),
    'inform': dhcp(8, CLIENT, ciaddr='10.0.2.15'),
    'release': dhcp(7, SID, ciaddr='10.0.2.15'),
    'decline': dhcp(4, SID + REQ),
    'no_end_short': dhcp(1, end=False, pad_to=0),
    'bad_cookie': dhcp(1, cookie=b'\x63\x82\x53\x00'),
    'bad_op': dhcp(1, op=2),
    'bad_option_len': (bootp() + opt(53, b'\x01') + b'\x0c\xf0abc'),
    'overload': dhcp(1, opt(52, b'\x03')),
}


def dns_name(s):
    out = b''
    for label in s.split('.'):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def dns(name, qtype=1, flags=0x0100, qd=1, ar=0, tail=b''):
    return (struct.pack('!HHHHHH', 0x1234, flags, qd, 0, 0, ar) +
            (name if isinstance(name, bytes) else dns_name(name)) +
            struct.pack('!HH', qtype, 1) + tail)


OPT_RR = b'\0' + struct.pack('!HHIH', 41, 1232, 0, 0)
DNS = {
    'a': dns('www.example.com'),
    'aaaa_edns': dns('example.org', 28, ar=1, tail=OPT_RR),
    'root_ns': dns('', 2),
    'ptr': dns('15.2.0.10.in-addr.arpa', 12),
    'pointer': dns(b'\x03foo\xc0\x0a'),
    'response': dns('example.com', flags=0x8180),
    'label64': dns(b'\x40' + b'a' * 64 + b'\0'),
    'truncated': dns('www.example.com')[:20],
}

for d, seeds in (('dhcp', DHCP), ('dns', DNS)):
    path = os.path.join('tests', 'fuzz', 'corpus', d)
    os.makedirs(path, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(path, name), 'wb') as f:
            f.write(data)
