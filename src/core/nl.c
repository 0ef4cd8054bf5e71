// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl.c - the few rtnetlink requests burrow makes.
 *
 * Theory of operation
 *
 * One request at a time on a NETLINK_ROUTE socket. A request is built with
 * the checked builder (struct pbuf) into a small stack buffer, gets the
 * next sequence number and is sent to the kernel. Then:
 *
 * - a change (RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE) asks for an
 *   acknowledgement (NLM_F_ACK) and we read until the NLMSG_ERROR carrying
 *   our sequence number arrives; its error field is the result;
 * - a dump (NLM_F_DUMP) is read datagram by datagram until NLMSG_DONE,
 *   even after the wanted entry was found, so that no stale reply is left
 *   in the socket for the next request.
 *
 * Replies are parsed through the bounds-checked cursor (struct pkt): every
 * message and attribute length is checked against what arrived before it
 * is used. The kernel is trusted not to lie on purpose, but a framing
 * error ends the request with -EPROTO rather than a wild read, and a
 * malformed message (a bad attribute length) is skipped. Messages carrying
 * another sequence number (answers to an earlier, abandoned request) are
 * ignored.
 *
 * Limits: a received datagram must fit NL_BUF_SIZE (64 KiB; the kernel
 * sends dumps in pieces of at most a page or 32 KiB), otherwise -EMSGSIZE.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "log.h"
#include "nl.h"
#include "pkt.h"

#define NL_BUF_SIZE (64 * 1024)
#define NL_REQ_SIZE 256

static const char *const nl_verdict_name[] = {
	[NL_MATCH] = "match",
	[NL_SKIP] = "skip",
	[NL_MALFORMED] = "malformed",
};
static_assert(ARRAY_SIZE(nl_verdict_name) == NL_VERDICT_COUNT,
	      "nl_verdict names");

static_assert(sizeof(struct nlmsghdr) == NLMSG_ALIGN(sizeof(struct nlmsghdr)),
	      "netlink header is aligned");
static_assert(sizeof(struct rtmsg) == NLMSG_ALIGN(sizeof(struct rtmsg)),
	      "rtmsg is aligned: attributes follow directly");
static_assert(sizeof(struct ifaddrmsg) == NLMSG_ALIGN(sizeof(struct ifaddrmsg)),
	      "ifaddrmsg is aligned: attributes follow directly");
static_assert(sizeof(struct ifinfomsg) == NLMSG_ALIGN(sizeof(struct ifinfomsg)),
	      "ifinfomsg is aligned: attributes follow directly");
static_assert(sizeof(struct rtattr) == RTA_ALIGN(sizeof(struct rtattr)),
	      "rtattr header is aligned");
static_assert(sizeof(struct rtnexthop) == RTNH_ALIGN(sizeof(struct rtnexthop)),
	      "rtnexthop is aligned");

/* Sequence numbers of this process, shared by all its netlink sockets. */
static uint32_t nl_seq;

/* nl_addr_len() - bytes of an address of family @af, 0 if not IP. */
static size_t nl_addr_len(int af)
{
	if (af == AF_INET)
		return sizeof(struct in_addr);
	if (af == AF_INET6)
		return sizeof(struct in6_addr);
	return 0;
}

/* nl_pad() - skip the alignment padding after an item of @len bytes, but
 * no more than what is left: the last item of a buffer may lack it. */
static void nl_pad(struct pkt *p, size_t len, size_t align)
{
	size_t pad = ((len + align - 1) & ~(align - 1)) - len;

	if (!pkt_skip(p, MIN(pad, pkt_left(p))))
		ASSERT(0); /* cannot fail: bounded by what is left */
}

/* nl_attr_next() - the next attribute of @p: its type (flags stripped) in
 * @type and a cursor over its payload in @payload. Returns 1 if there is
 * one, 0 at the end, -1 if its length does not fit; @p ends up after the
 * attribute and its padding. */
static int nl_attr_next(struct pkt *p, uint16_t *type, struct pkt *payload)
{
	struct rtattr rta;

	if (!pkt_left(p))
		return pkt_ok(p) ? 0 : -1;
	if (!pkt_copy(p, &rta, sizeof(rta)))
		return -1;
	if (rta.rta_len < sizeof(rta))
		return -1;
	if (!pkt_sub(p, rta.rta_len - sizeof(rta), payload))
		return -1;
	nl_pad(p, rta.rta_len, RTA_ALIGNTO);
	*type = rta.rta_type & NLA_TYPE_MASK;
	return 1;
}

/* nl_attr_exact() - copy an attribute payload of exactly @len bytes into
 * @dst; false (and @dst untouched) if the payload has another size. */
static bool nl_attr_exact(struct pkt *payload, void *dst, size_t len)
{
	if (pkt_left(payload) != len)
		return false;
	return pkt_copy(payload, dst, len);
}

/* nl_nexthop_first() - the output interface and gateway of the first
 * nexthop in an RTA_MULTIPATH payload. Returns NL_MATCH with @ifindex and
 * @gw (of @alen bytes, left alone if there is none) filled, NL_SKIP if the
 * nexthop has a gateway of another family, NL_MALFORMED on bad lengths. */
static enum nl_verdict nl_nexthop_first(struct pkt *mp, size_t alen,
					int *ifindex, uint8_t *gw)
{
	struct rtnexthop nh;
	struct pkt attrs, a;
	uint16_t type;
	int r;

	if (!pkt_copy(mp, &nh, sizeof(nh)) || nh.rtnh_len < sizeof(nh))
		return NL_MALFORMED;
	if (!pkt_sub(mp, nh.rtnh_len - sizeof(nh), &attrs))
		return NL_MALFORMED;
	*ifindex = nh.rtnh_ifindex;
	while ((r = nl_attr_next(&attrs, &type, &a)) > 0) {
		if (type == RTA_VIA)
			return NL_SKIP;
		if (type == RTA_GATEWAY && !nl_attr_exact(&a, gw, alen))
			return NL_MALFORMED;
	}
	return r < 0 ? NL_MALFORMED : NL_MATCH;
}

/* nl_route_parse() - see nl.h. Only @q->ifindex and @q->gw are written,
 * and only on NL_MATCH. */
enum nl_verdict nl_route_parse(struct pkt *msg, void *arg)
{
	struct nl_route_q *q = arg;
	size_t alen = nl_addr_len(q->af);
	uint8_t gw[16] = {0};
	enum nl_verdict v;
	uint32_t table;
	struct rtmsg rtm;
	struct pkt a;
	uint16_t type;
	int oif = 0, r;

	if (!alen)
		return NL_SKIP;
	if (!pkt_copy(msg, &rtm, sizeof(rtm)))
		return NL_MALFORMED;
	if (rtm.rtm_family != q->af || rtm.rtm_dst_len != 0 ||
	    rtm.rtm_type != RTN_UNICAST)
		return NL_SKIP;
	table = rtm.rtm_table;

	while ((r = nl_attr_next(msg, &type, &a)) > 0) {
		switch (type) {
		case RTA_OIF:
			if (!nl_attr_exact(&a, &oif, sizeof(oif)))
				return NL_MALFORMED;
			break;
		case RTA_GATEWAY:
			if (!nl_attr_exact(&a, gw, alen))
				return NL_MALFORMED;
			break;
		case RTA_TABLE: /* wins over rtm_table, which has 8 bits */
			if (!nl_attr_exact(&a, &table, sizeof(table)))
				return NL_MALFORMED;
			break;
		case RTA_VIA:
			/* A gateway of the other family: we cannot use it
			 * as ours, so this is not a route for us. */
			return NL_SKIP;
		case RTA_MULTIPATH:
			v = nl_nexthop_first(&a, alen, &oif, gw);
			if (v != NL_MATCH)
				return v;
			break;
		default:
			break;
		}
	}
	if (r < 0)
		return NL_MALFORMED;
	if (table != RT_TABLE_MAIN || oif <= 0)
		return NL_SKIP;

	q->ifindex = oif;
	memset(q->gw, 0, sizeof(q->gw));
	memcpy(q->gw, gw, alen);
	return NL_MATCH;
}

/* nl_addr_parse() - see nl.h. The local address (IFA_LOCAL) wins over
 * IFA_ADDRESS, which is the peer's on point-to-point links. Only
 * @q->addr and @q->prefix are written, and only on NL_MATCH. */
enum nl_verdict nl_addr_parse(struct pkt *msg, void *arg)
{
	struct nl_addr_q *q = arg;
	size_t alen = nl_addr_len(q->af);
	uint8_t local[16], address[16];
	bool has_local = false, has_address = false;
	struct ifaddrmsg ifa;
	uint32_t flags;
	struct pkt a;
	uint16_t type;
	int r;

	if (!alen)
		return NL_SKIP;
	if (!pkt_copy(msg, &ifa, sizeof(ifa)))
		return NL_MALFORMED;
	if (ifa.ifa_family != q->af || ifa.ifa_scope != RT_SCOPE_UNIVERSE)
		return NL_SKIP;
	if (q->ifindex && ifa.ifa_index != (uint32_t)q->ifindex)
		return NL_SKIP;
	if (ifa.ifa_prefixlen > alen * 8)
		return NL_MALFORMED;
	flags = ifa.ifa_flags;

	while ((r = nl_attr_next(msg, &type, &a)) > 0) {
		switch (type) {
		case IFA_LOCAL:
			if (!nl_attr_exact(&a, local, alen))
				return NL_MALFORMED;
			has_local = true;
			break;
		case IFA_ADDRESS:
			if (!nl_attr_exact(&a, address, alen))
				return NL_MALFORMED;
			has_address = true;
			break;
		case IFA_FLAGS: /* all 32 bits; ifa_flags has the low 8 */
			if (!nl_attr_exact(&a, &flags, sizeof(flags)))
				return NL_MALFORMED;
			break;
		default:
			break;
		}
	}
	if (r < 0)
		return NL_MALFORMED;
	if (q->af == AF_INET6 && (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
		return NL_SKIP;
	if (!has_local && !has_address)
		return NL_SKIP;

	memset(q->addr, 0, sizeof(q->addr));
	memcpy(q->addr, has_local ? local : address, alen);
	q->prefix = ifa.ifa_prefixlen;
	return NL_MATCH;
}

/* nl_msg_next() - the next message of a datagram: its header in @nh and a
 * cursor over its payload in @msg. Returns 1 if there is one, 0 at the
 * end, -EPROTO if its length is impossible. */
static int nl_msg_next(struct pkt *p, struct nlmsghdr *nh, struct pkt *msg)
{
	if (!pkt_left(p))
		return 0;
	if (!pkt_copy(p, nh, sizeof(*nh)) || nh->nlmsg_len < sizeof(*nh))
		return -EPROTO;
	if (!pkt_sub(p, nh->nlmsg_len - sizeof(*nh), msg))
		return -EPROTO;
	nl_pad(p, nh->nlmsg_len, NLMSG_ALIGNTO);
	return 1;
}

/* nl_msg_error() - the error field of an NLMSG_ERROR or NLMSG_DONE
 * payload (0 or -errno); -EPROTO if it is too short or not an errno. */
static int nl_msg_error(struct pkt *msg)
{
	int32_t e;

	if (!pkt_copy(msg, &e, sizeof(e)) || e > 0 || e < -4095)
		return -EPROTO;
	return e;
}

/* nl_dump_feed() - see nl.h. */
int nl_dump_feed(const void *buf, size_t len, uint32_t seq, uint16_t type,
		 nl_parse_fn fn, void *arg, bool *found)
{
	struct nlmsghdr nh;
	struct pkt p, msg;
	enum nl_verdict v;
	int r, e;

	pkt_init_buf(&p, buf, len);
	while ((r = nl_msg_next(&p, &nh, &msg)) > 0) {
		if (nh.nlmsg_seq != seq)
			continue;
		switch (nh.nlmsg_type) {
		case NLMSG_DONE:
			/* An error payload is optional here (old kernels) */
			if (pkt_left(&msg) >= sizeof(int32_t)) {
				e = nl_msg_error(&msg);
				if (e < 0)
					return e;
			}
			return 1;
		case NLMSG_ERROR:
			e = nl_msg_error(&msg);
			return e < 0 ? e : 1;
		default:
			if (nh.nlmsg_type != type || *found)
				break;
			v = fn(&msg, arg);
			if (v == NL_MATCH)
				*found = true;
			else if (v == NL_MALFORMED)
				debug("netlink: %s message of type %u ignored",
				      nl_verdict_name[v], nh.nlmsg_type);
			break;
		}
	}
	return r;
}

/* nl_ack_feed() - see nl.h. */
int nl_ack_feed(const void *buf, size_t len, uint32_t seq, int *error)
{
	struct nlmsghdr nh;
	struct pkt p, msg;
	int r;

	pkt_init_buf(&p, buf, len);
	while ((r = nl_msg_next(&p, &nh, &msg)) > 0) {
		if (nh.nlmsg_seq != seq || nh.nlmsg_type != NLMSG_ERROR)
			continue;
		*error = nl_msg_error(&msg);
		return 1;
	}
	return r;
}

/*
 * The socket part.
 */

/* nl_open() - see nl.h. The socket is close-on-exec and bound to an
 * address the kernel picks; acknowledgements do not echo our requests.
 * #syscalls:setup socket bind setsockopt
 */
int nl_open(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int one = 1, fd, e;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	/* Optional (Linux 4.3+): smaller acknowledgements. */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

/* nl_req_init() - start a request of @type with @flags (NLM_F_REQUEST is
 * added) and the fixed header @hdr of @hdr_len bytes in @mem. */
static void nl_req_init(struct pbuf *b, void *mem, size_t cap, uint16_t type,
			uint16_t flags, const void *hdr, size_t hdr_len)
{
	struct nlmsghdr nh = {
		.nlmsg_type = type,
		.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags),
	};

	pbuf_init(b, mem, cap);
	pbuf_bytes(b, &nh, sizeof(nh));
	pbuf_bytes(b, hdr, hdr_len);
}

/* nl_req_attr() - append attribute @type with @len bytes of @data and its
 * padding. A request that does not fit is caught by nl_req_send(). */
static void nl_req_attr(struct pbuf *b, uint16_t type, const void *data,
			size_t len)
{
	struct rtattr rta = {
		.rta_len = (unsigned short)RTA_LENGTH(len),
		.rta_type = type,
	};
	uint8_t *p = pbuf_put(b, RTA_SPACE(len));

	if (!p)
		return;
	memcpy(p, &rta, sizeof(rta));
	memcpy(p + RTA_LENGTH(0), data, len);
}

/* nl_req_send() - finish the request (length, a new sequence number, put
 * in @seq) and send it to the kernel. Returns 0 or -errno.
 * #syscalls:setup sendto
 */
static int nl_req_send(int nl, struct pbuf *b, uint32_t *seq)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct nlmsghdr *nh;
	ssize_t n;

	nh = pbuf_at(b, 0, sizeof(*nh));
	ASSERT(pbuf_ok(b) && nh); /* our requests have a fixed, small size */
	*seq = ++nl_seq;
	nh->nlmsg_len = (uint32_t)b->len;
	nh->nlmsg_seq = *seq;

	do {
		n = sendto(nl, b->data, b->len, 0, (struct sockaddr *)&sa,
			   sizeof(sa));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != b->len)
		return -EIO;
	return 0;
}

/* nl_recv() - one datagram from the kernel into @buf. Returns its length
 * or -errno; -EMSGSIZE if it did not fit.
 * #syscalls:setup recvmsg
 */
static ssize_t nl_recv(int nl, void *buf, size_t cap)
{
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct sockaddr_nl sa;
	struct msghdr mh = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	for (;;) {
		n = recvmsg(nl, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		/* Only the kernel (port 0) may answer us */
		if (mh.msg_namelen == sizeof(sa) && sa.nl_pid == 0)
			return n;
		mh.msg_namelen = sizeof(sa);
	}
}

/* Receive buffer shared by all requests: one request at a time. */
static uint8_t nl_buf[NL_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));

/* nl_do() - send a change request and wait for its acknowledgement.
 * Returns the kernel's verdict (0 or -errno), or -errno of the socket. */
static int nl_do(int nl, struct pbuf *b)
{
	uint32_t seq;
	ssize_t n;
	int r, e;

	r = nl_req_send(nl, b, &seq);
	if (r)
		return r;
	for (;;) {
		n = nl_recv(nl, nl_buf, sizeof(nl_buf));
		if (n < 0)
			return (int)n;
		r = nl_ack_feed(nl_buf, (size_t)n, seq, &e);
		if (r < 0)
			return r;
		if (r > 0)
			return e;
	}
}

/* nl_dump() - send a dump request and read the whole dump, handing each
 * message of @type to @fn until it matches. Returns 0 if one matched,
 * -ENOENT if none did, or another -errno; the dump is always read to its
 * end unless the socket fails. */
static int nl_dump(int nl, struct pbuf *b, uint16_t type, nl_parse_fn fn,
		   void *arg)
{
	bool found = false;
	uint32_t seq;
	ssize_t n;
	int r;

	r = nl_req_send(nl, b, &seq);
	if (r)
		return r;
	do {
		n = nl_recv(nl, nl_buf, sizeof(nl_buf));
		if (n < 0)
			return (int)n;
		r = nl_dump_feed(nl_buf, (size_t)n, seq, type, fn, arg, &found);
	} while (r == 0);
	if (r < 0)
		return r;
	return found ? 0 : -ENOENT;
}

/* nl_default_route() - see nl.h. @gw gets 4 or 16 bytes depending on @af;
 * @ifindex and @gw are written only on success. */
int nl_default_route(int nl, int af, int *ifindex, void *gw)
{
	struct rtmsg rtm = {.rtm_family = (uint8_t)af};
	struct nl_route_q q = {.af = af};
	uint8_t mem[NL_REQ_SIZE];
	struct pbuf b;
	int r;

	if (!nl_addr_len(af))
		return -EAFNOSUPPORT;
	nl_req_init(&b, mem, sizeof(mem), RTM_GETROUTE, NLM_F_DUMP, &rtm,
		    sizeof(rtm));
	r = nl_dump(nl, &b, RTM_NEWROUTE, nl_route_parse, &q);
	if (r)
		return r;
	*ifindex = q.ifindex;
	memcpy(gw, q.gw, nl_addr_len(af));
	return 0;
}

/* nl_addr_get() - see nl.h. @addr gets 4 or 16 bytes depending on @af;
 * @addr and @prefix are written only on success. */
int nl_addr_get(int nl, int af, int ifindex, void *addr, unsigned int *prefix)
{
	struct ifaddrmsg ifa = {
		.ifa_family = (uint8_t)af,
		.ifa_index = (uint32_t)ifindex,
	};
	struct nl_addr_q q = {.af = af, .ifindex = ifindex};
	uint8_t mem[NL_REQ_SIZE];
	struct pbuf b;
	int r;

	if (!nl_addr_len(af))
		return -EAFNOSUPPORT;
	nl_req_init(&b, mem, sizeof(mem), RTM_GETADDR, NLM_F_DUMP, &ifa,
		    sizeof(ifa));
	r = nl_dump(nl, &b, RTM_NEWADDR, nl_addr_parse, &q);
	if (r)
		return r;
	memcpy(addr, q.addr, nl_addr_len(af));
	*prefix = q.prefix;
	return 0;
}

/* nl_link_set() - see nl.h. Other flags of the link are left alone. */
int nl_link_set(int nl, int ifindex, unsigned int mtu)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
		.ifi_flags = IFF_UP,
		.ifi_change = IFF_UP,
	};
	uint8_t mem[NL_REQ_SIZE];
	uint32_t m = mtu;
	struct pbuf b;

	nl_req_init(&b, mem, sizeof(mem), RTM_NEWLINK, NLM_F_ACK, &ifi,
		    sizeof(ifi));
	if (mtu)
		nl_req_attr(&b, IFLA_MTU, &m, sizeof(m));
	return nl_do(nl, &b);
}

/* nl_addr_add() - see nl.h. Adding an address that is already there
 * succeeds (NLM_F_REPLACE), so configuring a namespace twice works. */
int nl_addr_add(int nl, int ifindex, int af, const void *addr,
		unsigned int prefix)
{
	size_t alen = nl_addr_len(af);
	struct ifaddrmsg ifa = {
		.ifa_family = (uint8_t)af,
		.ifa_prefixlen = (uint8_t)prefix,
		.ifa_scope = RT_SCOPE_UNIVERSE,
		.ifa_index = (uint32_t)ifindex,
	};
	uint32_t flags = IFA_F_NODAD;
	uint8_t mem[NL_REQ_SIZE];
	struct pbuf b;

	if (!alen)
		return -EAFNOSUPPORT;
	if (prefix > alen * 8)
		return -EINVAL;
	if (af == AF_INET6)
		ifa.ifa_flags = IFA_F_NODAD;
	nl_req_init(&b, mem, sizeof(mem), RTM_NEWADDR,
		    NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, &ifa,
		    sizeof(ifa));
	/* IPv4: IFA_LOCAL is our address, IFA_ADDRESS the same on a
	 * broadcast link. IPv6: IFA_ADDRESS alone is ours. */
	if (af == AF_INET)
		nl_req_attr(&b, IFA_LOCAL, addr, alen);
	nl_req_attr(&b, IFA_ADDRESS, addr, alen);
	if (af == AF_INET6)
		nl_req_attr(&b, IFA_FLAGS, &flags, sizeof(flags));
	return nl_do(nl, &b);
}

/* nl_route_add_default() - see nl.h. A zero @gw gives a device route. An
 * IPv4 gateway is declared on-link, so it works even if it lies outside
 * the interface's prefix (a /32 address, say); an IPv6 link-local gateway
 * works because the route names its interface. An identical route already
 * there is replaced, not an error. */
int nl_route_add_default(int nl, int ifindex, int af, const void *gw)
{
	static const uint8_t zero[16];
	size_t alen = nl_addr_len(af);
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)af,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_STATIC,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	uint32_t oif = (uint32_t)ifindex;
	uint8_t mem[NL_REQ_SIZE];
	bool has_gw;
	struct pbuf b;

	if (!alen)
		return -EAFNOSUPPORT;
	has_gw = memcmp(gw, zero, alen) != 0;
	if (!has_gw)
		rtm.rtm_scope = RT_SCOPE_LINK;
	else if (af == AF_INET)
		rtm.rtm_flags = RTNH_F_ONLINK;
	nl_req_init(&b, mem, sizeof(mem), RTM_NEWROUTE,
		    NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, &rtm,
		    sizeof(rtm));
	nl_req_attr(&b, RTA_OIF, &oif, sizeof(oif));
	if (has_gw)
		nl_req_attr(&b, RTA_GATEWAY, gw, alen);
	return nl_do(nl, &b);
}
