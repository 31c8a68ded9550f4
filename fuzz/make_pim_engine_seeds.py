#!/usr/bin/env python3
"""Writes corpus/fuzz_pim_engine/: hand-written PIM scenarios encoded in the byte format that
fuzz_pim_engine.cc decodes (FuzzInput: one byte per small choice, big-endian u16/u32, reads
past the end give zeros). Each scenario sets up a small network (ge1 toward the RP's router
fe80::100, ge2 on the listeners' LAN, sometimes ge3), brings up neighbors, joins groups and
then does something worth exploring: SPT switch, Asserts, Join suppression and Prune
override, DR election, neighbor restarts and timeouts, reconfiguration, shutdown.

The encoder below mirrors the decoder's read order; when the harness changes, change it too
(a drifted seed still runs, it just explores less). Standard library only:

  python3 fuzz/make_pim_engine_seeds.py
"""
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus', 'fuzz_pim_engine')

# The pools of fuzz_pim_engine.cc, in order (index = position).
GROUPS = ['ff0e::1', 'ff05::db8:1', 'ff3e::db8:2', 'ff35::5', 'ff7e:140:2001:db8:99:0:0:1234',
          'ff7e:40:2001:db8:1:0:0:7', 'ff7e:100:2001:db8:99:0:0:5', 'ff02::5', 'ff15::4',
          'ff0e::2']
SOURCES = ['2001:db8:2::10', '2001:db8:99::50', '2001:db8:55::1', '2001:db8:3::7',
           '2001:db8:1::100', '2001:db8:1::1']
RPS = ['2001:db8:1::100', '2001:db8:99::1', '2001:db8:2::101', '2001:db8:77::1', '2001:db8:1::1',
       '2001:db8:3::5']
NEIGHBOR_LLS = ['fe80::100', 'fe80::101', 'fe80::102', 'fe80::103']
SECONDARIES = ['2001:db8:1::100', '2001:db8:2::101', '2001:db8:3::102', '2001:db8:99::1',
               'fe80::102', 'fe80::1:1']
NEXTHOPS = ['2001:db8:1::100', '2001:db8:2::101', '2001:db8:3::102', 'fe80::100', 'fe80::101',
            '2001:db8:dead::1']
GROUP_RANGES = ['ff00::/8', 'ff0e::/16', 'ff05::/16', 'ff3e::/16', 'ff02::/16', 'ff0e::1/128',
                'ff7e::/16', '::/0']
ROUTE_PREFIXES = ['::/0', '2001:db8:99::/48', '2001:db8:77::/64', '2001:db8:55::/64',
                  '2001:db8:1::/64', '2001:db8:99::1/128', '2001:db8:1::100/128']
EXTRA_ADDRESSES = ['2001:db8:99::2/64', '2001:db8:1::5/64', '2001:db8:55::9/120',
                   '2001:db8:3::1/128']

# Operation selectors (step(): sel % 16).
OP_HELLO, OP_JP, OP_ASSERT, OP_RAW, OP_MEMBER, OP_DATA = 0, 3, 5, 6, 7, 9
OP_ADVANCE, OP_UP, OP_FWD, OP_CONFIG = 10, 12, 13, 14


class Enc:
    def __init__(self):
        self.b = bytearray()

    def u8(self, v):
        self.b.append(v & 0xff)

    def u16(self, v):
        self.b += struct.pack('>H', v & 0xffff)

    def u32(self, v):
        self.b += struct.pack('>I', v & 0xffffffff)

    def flag(self, v):
        self.u8(1 if v else 0)

    def range(self, lo, hi, v):
        assert lo <= v <= hi, (lo, hi, v)
        if hi <= lo:
            return
        span = hi - lo + 1
        if span <= 0x100:
            self.u8(v - lo)
        elif span <= 0x10000:
            self.u16(v - lo)
        else:
            self.u32(v - lo)

    def pick(self, pool, value):
        self.range(0, len(pool) - 1, pool.index(value))

    def pool(self, pool, value):  # pick_or_raw, from the pool
        self.u8(pool.index(value))

    # one_of(in, {..., raw}): the raw value is read first, then the index.
    def one_of(self, values, v, raw_bytes):
        raw_writer = {2: self.u16, 4: self.u32}[raw_bytes]
        if v in values:
            raw_writer(0)
            self.range(0, len(values), values.index(v))
        else:
            raw_writer(v)
            self.range(0, len(values), len(values))

    def period(self, seconds, usual):
        if seconds == usual:
            self.u8(5)
        elif seconds == 1:
            self.u8(0)
        elif seconds == 2:
            self.u8(1)
        elif 3 <= seconds <= 10:
            self.u8(2)
            self.range(3, 10, seconds)
        else:
            self.u8(3)
            self.range(1, 18000, seconds)


def interface(e, ifindex, pim=True, ll='own', own_prefix=True, extra=None, hello=30, holdtime=None,
              dr_priority=None, jp=60, ignore_dr=False, ignore_assert=False):
    sel = 0x01 if pim else 0x00
    sel |= {'own': 0x00, 'shared': 0x20, 'renumbered': 0x30}[ll]
    if not own_prefix:
        sel |= 0xc0
    if extra:
        sel |= 0x08
    e.u8(sel)
    if extra:
        e.pick(EXTRA_ADDRESSES, extra)
    knobs = (1 if holdtime else 0) | (2 if dr_priority is not None else 0) | \
        (4 if ignore_dr else 0) | (8 if ignore_assert else 0)
    e.u8(knobs)
    e.period(hello, 30)
    if holdtime:
        e.range(1, 0xffff, holdtime)
    if dr_priority is not None:
        e.one_of([0, 1, 2, 100, 0xffffffff], dr_priority, 4)
    e.period(jp, 60)


def route(e, prefix, nexthop=None, ifindex=0):
    e.pick(ROUTE_PREFIXES, prefix)
    sel = 0x04 if nexthop else 0x00
    if ifindex == 0:
        sel |= 0x01
        assert nexthop, 'a route without interface needs a next hop'
    e.u8(sel)
    if ifindex:
        e.range(1, 4, ifindex)
    if nexthop:
        e.pick(NEXTHOPS, nexthop)


def global_config(e, rps=(), routes=(), embedded=True, spt_infinity=False):
    e.u8((0 if embedded else 1) | (6 if spt_infinity else 0))
    e.range(0, 3, len(rps))
    for rp, groups in rps:
        e.pick(RPS, rp)
        e.pick(GROUP_RANGES, groups)
    e.range(0, 3, len(routes))
    for r in routes:
        route(e, *r)


def start(e, interfaces, seed=1, **glob):
    """The input's head: engine seed, interfaces 1..n, global config, initial configure."""
    e.u8(seed)
    e.range(1, 3, len(interfaces))
    for i, kw in enumerate(interfaces, 1):
        interface(e, i, **kw)
    global_config(e, **glob)
    e.flag(False)


def op(e, sel, ifindex):
    e.u8(sel)
    e.range(1, 4, ifindex)


def source(e, src):
    """source(): a pool neighbor, 'own' (our address there), or fe80::102."""
    if src == 'own':
        e.u8(10)
    elif src == 'fe80::102':
        e.u8(13)
    else:
        e.u8(NEIGHBOR_LLS.index(src))


def hello(e, ifindex, src, holdtime=105, dr_priority=None, genid=1, addresses=(),
          lan_delay=None):
    op(e, OP_HELLO, ifindex)
    sel = (1 if holdtime is None else 0) | (2 if dr_priority is not None else 0) | \
        (4 if genid is None else 0) | (8 if lan_delay else 0) | (0x10 if addresses else 0)
    e.u8(sel)
    if holdtime is not None:
        e.one_of([0, 1, 2, 3, 10, 105, 105, 0xffff], holdtime, 2)
    if dr_priority is not None:
        e.one_of([0, 1, 2, 100, 0xffffffff], dr_priority, 4)
    if genid is not None:
        e.one_of([1, 2, 3], genid, 4)
    if lan_delay:
        t_bit, prop, override = lan_delay
        e.flag(t_bit)
        e.one_of([0, 500, 1000], prop, 2)
        e.one_of([0, 2500, 0xffff], override, 2)
    if addresses:
        e.range(0, 3, len(addresses))
        for a in addresses:
            e.pick(SECONDARIES, a)
    source(e, src)


def any_address(e, a):
    if a in NEIGHBOR_LLS:
        e.u8(0)
        e.pick(NEIGHBOR_LLS, a)
    elif a in SECONDARIES:
        e.u8(1)
        e.pick(SECONDARIES, a)
    elif a == '::':
        e.u8(4)
    else:
        e.u8(6)
        e.pick(RPS, a)


def entry(e, kind, addr):
    """kind: 'star' (W+R, the group's RP), 'sg', 'rpt' (S,G,rpt)."""
    sel = {'star': 0x13, 'sg': 0x00, 'rpt': 0x02}[kind]
    e.u8(sel)
    if kind == 'star':
        e.pick(RPS, RPS[0])  # value_or's argument, read even when the RP is known
    else:
        e.pick(SOURCES, addr)


def join_prune(e, ifindex, src, upstream, group_sets, holdtime=210):
    """group_sets: [(group, [(kind, addr)...joins], [prunes])]"""
    op(e, OP_JP, ifindex)
    any_address(e, upstream)
    e.one_of([0, 1, 210, 210, 0xffff], holdtime, 2)
    e.range(1, 3, len(group_sets))
    for g, joins, prunes in group_sets:
        e.u8(0)
        e.pool(GROUPS, g)
        e.range(0, 3, len(joins))
        for j in joins:
            entry(e, *j)
        e.range(0, 3, len(prunes))
        for p in prunes:
            entry(e, *p)
    source(e, src)


def assert_(e, ifindex, src, group, source_addr=None, pref=0, metric=0):
    op(e, OP_ASSERT, ifindex)
    rpt = source_addr is None
    sel = 0x03 if rpt else 0x00
    if source_addr in RPS and source_addr not in SOURCES:
        sel |= 0x04
    e.u8(sel)
    e.pool(GROUPS, group)
    if not rpt:
        e.pick(RPS if sel & 4 else SOURCES, source_addr)
    e.one_of([0, 60, 61, 0x7fffffff], pref, 4)
    e.one_of([0, 1, 10, 0xffffffff], metric, 4)
    source(e, src)


def member(e, group, members):
    """members: [(ifindex, exclude, [sources])]"""
    op(e, OP_MEMBER, 1)
    e.pool(GROUPS, group)
    e.range(0, 3, len(members))
    for ifindex, exclude, srcs in members:
        e.range(1, 4, ifindex)
        e.flag(exclude)
        e.range(0, 3, len(srcs))
        for s in srcs:
            e.pick(SOURCES, s)
    e.flag(False)


def data(e, ifindex, src, group):
    op(e, OP_DATA, ifindex)
    e.u8(0)  # from the pool
    e.pick(SOURCES, src)
    e.pool(GROUPS, group)


def advance_next(e, times=1):
    for _ in range(times):
        op(e, OP_ADVANCE, 1)
        e.u8(4)


def advance_s(e, seconds):
    op(e, OP_ADVANCE, 1)
    e.u8(2)
    e.u8(seconds)


def advance_min(e, minutes):
    op(e, OP_ADVANCE, 1)
    e.u8(3)
    e.range(1, 5, minutes)


def up(e, ifindex, is_up):
    op(e, OP_UP, ifindex)
    e.flag(is_up)


def forwarding(e, ifindex, on):
    op(e, OP_FWD, ifindex)
    e.flag(on)


def reconfigure_interface(e, ifindex, **kw):
    op(e, OP_CONFIG, ifindex)
    e.u8(0)
    interface(e, ifindex, **kw)
    e.flag(False)


def remove_interface(e, ifindex):
    op(e, OP_CONFIG, ifindex)
    e.u8(1)
    e.flag(False)


def toggle_pim(e, ifindex):
    op(e, OP_CONFIG, ifindex)
    e.u8(2)
    e.flag(False)


def relink(e, ifindex, ll_index):
    op(e, OP_CONFIG, ifindex)
    e.u8(5)
    e.range(1, 12, ll_index)
    e.flag(False)
    e.flag(False)


def new_global(e, **glob):
    op(e, OP_CONFIG, 1)
    e.u8(6)
    global_config(e, **glob)
    e.flag(False)


def tweak_global(e, embedded=False, spt=False, drop_rp=False, add_rp=None, drop_route=False,
                 add_route=None):
    op(e, OP_CONFIG, 1)
    e.u8(7)
    e.u8((1 if embedded else 0) | (2 if spt else 0) | (4 if drop_rp else 0) |
         (8 if add_rp else 0) | (16 if drop_route else 0) | (32 if add_route else 0))
    if add_rp:
        e.pick(RPS, add_rp[0])
        e.pick(GROUP_RANGES, add_rp[1])
    if add_route:
        route(e, *add_route)
    e.flag(False)


def raw(e, ifindex, src, payload):
    op(e, OP_RAW, ifindex)
    source(e, src)
    e.u8(len(payload))
    e.b += payload


# ---- the network most scenarios share ----

RP_DIRECT = '2001:db8:1::100'  # the RP's router itself, on ge1's prefix
RP_FAR = '2001:db8:99::1'      # behind fe80::100 (static route: Assert metric pref 60)
TO_99 = ('2001:db8:99::/48', '2001:db8:1::100')
TO_99_LL = ('2001:db8:99::/48', 'fe80::100', 1)
G = 'ff0e::1'
G2 = 'ff05::db8:1'
SSM = 'ff3e::db8:2'
EMB = 'ff7e:140:2001:db8:99:0:0:1234'
S_FAR = '2001:db8:99::50'
S_LAN = '2001:db8:2::10'


def pair(e, rp=RP_FAR, hello_s=30, jp=60, ge2=None, ge3=None, **glob):
    itfs = [dict(hello=hello_s, jp=jp), ge2 or dict(hello=hello_s, jp=jp)]
    if ge3:
        itfs.append(ge3)
    glob.setdefault('rps', [(rp, 'ff00::/8')])
    glob.setdefault('routes', [TO_99])
    start(e, itfs, **glob)
    hello(e, 1, 'fe80::100', addresses=['2001:db8:1::100'])


def scenarios():
    s = {}

    e = Enc()  # (*,G) join and its periodic refresh
    pair(e)
    member(e, G, [(2, True, [])])
    advance_next(e, 6)
    s['star_join'] = e

    e = Enc()  # the RP is the neighbor itself (connected)
    pair(e, rp=RP_DIRECT, routes=[])
    member(e, G, [(2, True, [])])
    advance_s(e, 200)
    s['rp_connected'] = e

    e = Enc()  # SPT switch on the first packet, SPT bit, (S,G,rpt) prune
    pair(e)
    member(e, G, [(2, True, [])])
    data(e, 1, S_FAR, G)
    data(e, 1, S_FAR, G)
    advance_min(e, 4)
    data(e, 1, S_FAR, G)
    advance_min(e, 5)
    s['spt_switch'] = e

    e = Enc()  # SPT switch to a source on a different interface than the RP tree
    pair(e, ge3=dict(), routes=[TO_99, ('2001:db8:55::/64', '2001:db8:2::101')])
    hello(e, 2, 'fe80::101', addresses=['2001:db8:2::101'])
    member(e, G, [(3, True, [])])
    data(e, 1, '2001:db8:55::1', G)
    data(e, 2, '2001:db8:55::1', G)
    advance_next(e, 8)
    s['spt_other_interface'] = e

    e = Enc()  # spt-switch-threshold infinity: no switch, no notifications
    pair(e, spt_infinity=True)
    member(e, G, [(2, True, [])])
    data(e, 1, S_FAR, G)
    advance_next(e, 4)
    tweak_global(e, spt=True)
    data(e, 1, S_FAR, G)
    s['spt_infinity'] = e

    e = Enc()  # SSM: INCLUDE joins (S,G), never (*,G)
    pair(e)
    member(e, SSM, [(2, False, [S_FAR, S_LAN])])
    member(e, 'ff35::5', [(2, True, [])])
    advance_next(e, 5)
    member(e, SSM, [])
    s['ssm_include'] = e

    e = Enc()  # EXCLUDE with sources: (S,G,rpt) prunes ride on the (*,G) join
    pair(e)
    member(e, G, [(2, True, [S_FAR, S_LAN])])
    advance_next(e, 4)
    member(e, G, [(2, True, [S_LAN])])
    advance_next(e, 3)
    s['exclude_rpt'] = e

    e = Enc()  # embedded RP group (RFC 3956) behind the static route, then embedded off
    pair(e, rps=[])
    member(e, EMB, [(2, True, [])])
    advance_next(e, 3)
    tweak_global(e, embedded=True)
    advance_next(e, 2)
    s['embedded_rp'] = e

    e = Enc()  # another router on ge1 joins the same (*,G): suppression; then prunes: override
    pair(e, hello_s=30, jp=60)
    hello(e, 1, 'fe80::102', lan_delay=(False, 500, 2500))
    member(e, G, [(2, True, [])])
    join_prune(e, 1, 'fe80::102', 'fe80::100', [(G, [('star', None)], [])])
    advance_next(e, 3)
    join_prune(e, 1, 'fe80::102', 'fe80::100', [(G, [], [('star', None)])])
    advance_next(e, 3)
    s['suppress_override'] = e

    e = Enc()  # J/P naming the RP router by its global address (Address List)
    pair(e)
    hello(e, 1, 'fe80::102')
    member(e, G, [(2, True, [])])
    join_prune(e, 1, 'fe80::102', '2001:db8:1::100', [(G, [('star', None)], [('sg', S_FAR)])])
    advance_next(e, 3)
    s['jp_secondary'] = e

    e = Enc()  # a Prune(S,G,rpt) from another router while we want S: override timer
    pair(e)
    hello(e, 1, 'fe80::102')
    member(e, G, [(2, True, [])])
    join_prune(e, 1, 'fe80::102', 'fe80::100', [(G, [], [('rpt', S_FAR)])])
    advance_next(e, 4)
    s['rpt_override'] = e

    e = Enc()  # J/P naming us: a last-hop router has no downstream
    pair(e)
    member(e, G, [(2, True, [])])
    join_prune(e, 1, 'fe80::100', 'fe80::1:1', [(G, [('star', None)], [])])
    join_prune(e, 1, 'fe80::101', 'fe80::100', [(G, [('star', None)], [])])
    s['jp_to_us'] = e

    e = Enc()  # the upstream neighbor restarts (new GenID): joins go again soon
    pair(e)
    member(e, G, [(2, True, [])])
    member(e, SSM, [(2, False, [S_FAR])])
    hello(e, 1, 'fe80::100', genid=2, addresses=['2001:db8:1::100'])
    advance_next(e, 4)
    s['neighbor_restart'] = e

    e = Enc()  # the upstream neighbor times out: prune, then it comes back
    pair(e)
    hello(e, 1, 'fe80::100', holdtime=3, addresses=['2001:db8:1::100'])
    member(e, G, [(2, True, [])])
    advance_s(e, 5)
    hello(e, 1, 'fe80::100', addresses=['2001:db8:1::100'])
    advance_next(e, 3)
    s['neighbor_timeout'] = e

    e = Enc()  # goodbye (holdtime 0) and a never-expiring neighbor
    pair(e)
    member(e, G, [(2, True, [])])
    hello(e, 1, 'fe80::100', holdtime=0)
    hello(e, 1, 'fe80::100', holdtime=0xffff, addresses=['2001:db8:1::100'])
    advance_min(e, 5)
    s['goodbye_forever'] = e

    e = Enc()  # DR election on the listeners' LAN: we lose DR, then ignore dr-state
    pair(e)
    member(e, G, [(2, True, [])])
    hello(e, 2, 'fe80::101', dr_priority=100)
    advance_next(e, 2)
    reconfigure_interface(e, 2, ignore_dr=True)
    hello(e, 2, 'fe80::101', dr_priority=100)
    hello(e, 2, 'fe80::103', dr_priority=None)
    advance_next(e, 2)
    s['dr_election'] = e

    e = Enc()  # our DR priority 0 and the highest: reconfigured mid-run
    pair(e, ge2=dict(dr_priority=0))
    hello(e, 2, 'fe80::101', dr_priority=1)
    member(e, G, [(2, True, [])])
    reconfigure_interface(e, 2, dr_priority=0xffffffff)
    advance_next(e, 3)
    s['dr_priority'] = e

    e = Enc()  # Assert on the listeners' LAN: data arrives there, we win, then lose
    pair(e)
    hello(e, 2, 'fe80::101', addresses=['2001:db8:2::101'])
    member(e, G, [(2, True, [])])
    data(e, 2, S_FAR, G)
    assert_(e, 2, 'fe80::101', G, None, pref=0, metric=0)
    advance_next(e, 3)
    assert_(e, 2, 'fe80::101', G, None, pref=0x7fffffff, metric=0xffffffff)
    s['assert_lan'] = e

    e = Enc()  # (S,G) Assert lost on the LAN with ignore assert-state
    pair(e, ge2=dict(ignore_assert=True))
    hello(e, 2, 'fe80::101')
    member(e, G, [(2, True, [])])
    data(e, 1, S_FAR, G)
    data(e, 2, S_FAR, G)
    assert_(e, 2, 'fe80::101', G, S_FAR, pref=0, metric=0)
    advance_min(e, 4)
    s['assert_ignore'] = e

    e = Enc()  # Assert lost on the RPF interface: the winner becomes RPF'
    pair(e)
    hello(e, 1, 'fe80::102')
    member(e, G, [(2, True, [])])
    assert_(e, 1, 'fe80::102', G, None, pref=0, metric=0)
    advance_next(e, 3)
    assert_(e, 1, 'fe80::102', G, None, pref=0x7fffffff, metric=0xffffffff)
    advance_next(e, 2)
    s['assert_rpf'] = e

    e = Enc()  # Assert lost on the RPF interface, then the interface goes down and up
    pair(e)
    member(e, G, [(2, True, [])])
    assert_(e, 1, 'fe80::100', G, None, pref=0, metric=0)
    up(e, 1, False)
    advance_next(e, 2)
    up(e, 1, True)
    hello(e, 1, 'fe80::100', addresses=['2001:db8:1::100'])
    advance_next(e, 2)
    s['assert_rpf_down'] = e

    e = Enc()  # the Assert winner spoke from an address of its Address List, then timed out
    pair(e)
    hello(e, 1, 'fe80::100', holdtime=3, addresses=['2001:db8:1::100', 'fe80::102'])
    member(e, G, [(2, True, [])])
    assert_(e, 1, 'fe80::102', G, None, pref=0, metric=0)
    advance_s(e, 5)
    advance_next(e, 3)
    s['assert_secondary_winner'] = e

    e = Enc()  # the VRRP6 gate closes while we are the Assert winner: AssertCancel
    pair(e)
    hello(e, 2, 'fe80::101')
    member(e, G, [(2, True, [])])
    data(e, 2, S_FAR, G)
    forwarding(e, 2, False)
    data(e, 2, S_FAR, G)
    forwarding(e, 2, True)
    data(e, 2, S_FAR, G)
    s['assert_gate'] = e

    e = Enc()  # interfaces going down and up under joined state
    pair(e, ge3=dict(pim=True))
    member(e, G, [(2, True, []), (3, True, [])])
    member(e, SSM, [(3, False, [S_FAR])])
    up(e, 2, False)
    up(e, 1, False)
    advance_next(e, 2)
    up(e, 1, True)
    up(e, 2, True)
    hello(e, 1, 'fe80::100', addresses=['2001:db8:1::100'])
    advance_next(e, 3)
    s['interfaces_flap'] = e

    e = Enc()  # reconfiguration: RP moves, route goes, PIM off and on, link-local changes
    pair(e)
    member(e, G, [(2, True, [])])
    member(e, G2, [(2, True, [])])
    tweak_global(e, drop_rp=True, add_rp=(RP_DIRECT, 'ff0e::/16'))
    advance_next(e, 2)
    tweak_global(e, drop_route=True, add_route=('::/0', '2001:db8:1::100'))
    toggle_pim(e, 1)
    toggle_pim(e, 1)
    hello(e, 1, 'fe80::100', addresses=['2001:db8:1::100'])
    relink(e, 1, 9)
    hello(e, 1, 'fe80::100', addresses=['2001:db8:1::100'])
    advance_next(e, 3)
    s['reconfigure'] = e

    e = Enc()  # interfaces removed and added back
    pair(e, ge3=dict())
    member(e, G, [(3, True, [])])
    remove_interface(e, 1)
    advance_next(e, 1)
    reconfigure_interface(e, 1, hello=1, jp=1)
    hello(e, 1, 'fe80::100', addresses=['2001:db8:1::100'])
    remove_interface(e, 3)
    reconfigure_interface(e, 3, ll='shared')
    advance_next(e, 4)
    s['interfaces_removed'] = e

    e = Enc()  # tiny periods (1 s Hellos and J/P) over minutes
    pair(e, hello_s=1, jp=1)
    hello(e, 1, 'fe80::100', holdtime=3, addresses=['2001:db8:1::100'])
    member(e, G, [(2, True, [])])
    advance_min(e, 1)
    hello(e, 1, 'fe80::100', holdtime=105, addresses=['2001:db8:1::100'])
    advance_s(e, 90)
    s['tiny_periods'] = e

    e = Enc()  # long periods and a configured holdtime
    pair(e, hello_s=18000, jp=18000, ge2=dict(holdtime=65535, hello=3))
    member(e, G, [(2, True, [])])
    advance_min(e, 5)
    s['long_periods'] = e

    e = Enc()  # unresolvable and interface-less routes, RP unreachable, our own address as RP
    start(e, [dict(), dict(pim=False), dict(ll='renumbered')],
          rps=[('2001:db8:77::1', 'ff00::/8'), ('2001:db8:1::1', 'ff0e::1/128')],
          routes=[('2001:db8:77::/64', '2001:db8:dead::1'),
                  ('2001:db8:55::/64', None, 3), ('2001:db8:99::/48', 'fe80::101', 4)])
    hello(e, 1, 'fe80::100')
    member(e, G, [(2, True, []), (4, True, [])])
    member(e, G2, [(1, True, []), (3, False, ['2001:db8:55::1'])])
    data(e, 3, '2001:db8:55::1', G2)
    advance_next(e, 3)
    s['unroutable'] = e

    e = Enc()  # link-scope groups and the catch-all range
    pair(e, rps=[(RP_FAR, '::/0'), (RP_DIRECT, 'ff02::/16')])
    member(e, 'ff02::5', [(2, True, [])])
    member(e, 'ff15::4', [(2, True, [])])
    data(e, 1, S_FAR, 'ff02::5')
    advance_next(e, 2)
    s['link_scope'] = e

    e = Enc()  # messages from ourselves (looped back) and on a non-PIM interface
    start(e, [dict(), dict(pim=False)], rps=[(RP_FAR, 'ff00::/8')], routes=[TO_99_LL])
    hello(e, 1, 'own')
    hello(e, 2, 'fe80::101')
    hello(e, 1, 'fe80::100')
    member(e, G, [(2, True, [])])
    assert_(e, 2, 'fe80::101', G, None)
    join_prune(e, 1, 'own', 'fe80::100', [(G, [('star', None)], [])])
    advance_next(e, 2)
    s['own_and_non_pim'] = e

    e = Enc()  # raw PIM bytes: a Hello, a Register (unsupported), garbage
    pair(e)
    hello_body = bytes([0x20, 0, 0, 0, 0, 1, 0, 2, 0, 105, 0, 20, 0, 4, 0, 0, 0, 9])
    raw(e, 1, 'fe80::103', hello_body)
    raw(e, 1, 'fe80::103', bytes([0x21, 0, 0, 0, 0, 0, 0, 0]))
    raw(e, 1, 'fe80::103', bytes([0x23, 0, 0, 0, 2, 0]))
    member(e, G, [(2, True, [])])
    s['raw'] = e

    e = Enc()  # many groups, INCLUDE and EXCLUDE on several interfaces, then all leave
    pair(e, ge3=dict())
    hello(e, 2, 'fe80::101', addresses=['2001:db8:2::101'])
    for g in (G, G2, EMB, 'ff15::4', 'ff0e::2'):
        member(e, g, [(2, True, [S_FAR]), (3, False, [S_FAR, '2001:db8:55::1'])])
    data(e, 1, S_FAR, G2)
    advance_next(e, 5)
    for g in (G, G2, EMB, 'ff15::4', 'ff0e::2'):
        member(e, g, [])
    advance_next(e, 3)
    s['many_groups'] = e

    return s


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.startswith('seed-'):
            os.remove(os.path.join(OUT, f))
    rng = random.Random(7)
    written = 0
    for name, e in scenarios().items():
        with open(os.path.join(OUT, 'seed-' + name), 'wb') as f:
            f.write(bytes(e.b))
        written += 1
        # A variant with a few bytes of the tail changed: same setup, another ending.
        if len(e.b) > 40 and written % 3 == 0:
            b = bytearray(e.b)
            for _ in range(3):
                i = rng.randrange(len(b) // 2, len(b))
                b[i] = rng.randrange(256)
            with open(os.path.join(OUT, 'seed-' + name + '-variant'), 'wb') as f:
                f.write(bytes(b))
            written += 1
    print('wrote %d seeds to %s' % (written, OUT))


if __name__ == '__main__':
    main()
