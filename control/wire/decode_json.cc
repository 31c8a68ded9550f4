#include "control/wire/decode_json.h"

#include <ostream>
#include <vector>

#include "control/wire/linux_cooked.h"
#include "control/wire/pcap_file.h"

namespace tandem::wire {

namespace {

class JsonLine {
 public:
  JsonLine() { s_ = "{"; }
  JsonLine& key(const char* k) {
    if (s_.size() > 1) s_ += ',';
    s_ += '"';
    s_ += k;
    s_ += "\":";
    return *this;
  }
  JsonLine& str(const char* k, const std::string& v) {
    key(k);
    s_ += '"' + v + '"';  // only addresses and fixed names: nothing to escape
    return *this;
  }
  JsonLine& num(const char* k, uint64_t v) {
    key(k);
    s_ += std::to_string(v);
    return *this;
  }
  JsonLine& boolean(const char* k, bool v) {
    key(k);
    s_ += v ? "true" : "false";
    return *this;
  }
  JsonLine& addrs(const char* k, const AddressList& list) {
    key(k);
    s_ += address_array(list);
    return *this;
  }
  JsonLine& raw(const char* k, const std::string& v) {
    key(k);
    s_ += v;
    return *this;
  }
  std::string done() { return s_ + "}"; }

  // "[a,b,...]" from already written JSON values.
  static std::string array(const std::vector<std::string>& values) {
    std::string a = "[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) a += ',';
      a += values[i];
    }
    return a + "]";
  }

  // An AddressList view or a std::vector<Ipv6Address>.
  template <typename List>
  static std::string address_array(const List& list) {
    std::string a = "[";
    for (size_t i = 0; i < list.size(); ++i) {
      if (i) a += ',';
      a += '"' + list[i].to_string() + '"';
    }
    return a + "]";
  }

 private:
  std::string s_;
};

void add_mld(JsonLine& j, const Frame& f) {
  const MldMessage& m = f.mld;
  switch (m.kind) {
    case MldKind::query:
      j.num("version", m.query.v2 ? 2 : 1);
      j.str("group", m.query.group.to_string());
      j.num("max_resp_ms", m.query.max_resp_ms);
      if (m.query.v2) {
        j.boolean("s_flag", m.query.s_flag);
        j.num("qrv", m.query.qrv);
        j.num("qqi_s", m.query.qqi_s);
        j.addrs("sources", m.query.sources);
      }
      break;
    case MldKind::report_v1:
    case MldKind::done:
      j.str("group", m.v1.group.to_string());
      j.num("max_resp_ms", m.v1.max_resp_ms);
      break;
    case MldKind::report_v2: {
      std::string recs = "[";
      bool first = true;
      for (MldRecord r : m.report) {
        if (!first) recs += ',';
        first = false;
        recs += std::string("{\"type\":\"") + mld_record_type_name(r.type) + "\",\"group\":\"" +
                r.group.to_string() + "\",\"sources\":" + JsonLine::address_array(r.sources) + "}";
      }
      j.raw("records", recs + "]");
      break;
    }
  }
}

// RFC 7761 §4.9.2: only the options the Hello carried.
void add_pim_hello(JsonLine& j, const PimHello& h) {
  if (h.holdtime_s) j.num("holdtime_s", *h.holdtime_s);
  if (h.dr_priority) j.num("dr_priority", *h.dr_priority);
  if (h.generation_id) j.num("generation_id", *h.generation_id);
  if (h.lan_prune_delay) {
    JsonLine d;
    d.boolean("t_bit", h.lan_prune_delay->t_bit);
    d.num("propagation_delay_ms", h.lan_prune_delay->propagation_delay_ms);
    d.num("override_interval_ms", h.lan_prune_delay->override_interval_ms);
    j.raw("lan_prune_delay", d.done());
  }
  if (!h.address_list.empty()) j.raw("address_list", JsonLine::address_array(h.address_list));
}

std::string pim_sources_json(const std::vector<PimSourceEntry>& sources) {
  std::vector<std::string> out;
  for (const PimSourceEntry& s : sources) {
    JsonLine e;
    e.str("source", s.source.to_string());
    e.boolean("wildcard", s.wildcard);
    e.boolean("rpt", s.rpt);
    out.push_back(e.done());
  }
  return JsonLine::array(out);
}

// RFC 7761 §4.9.5.
void add_pim_join_prune(JsonLine& j, const PimJoinPrune& jp) {
  j.str("upstream_neighbor", jp.upstream_neighbor.to_string());
  j.num("holdtime_s", jp.holdtime_s);
  std::vector<std::string> groups;
  for (const PimGroupSet& g : jp.groups) {
    JsonLine o;
    o.str("group", g.group.to_string());
    o.num("mask_len", g.mask_len);
    o.raw("joins", pim_sources_json(g.joins));
    o.raw("prunes", pim_sources_json(g.prunes));
    groups.push_back(o.done());
  }
  j.raw("groups", JsonLine::array(groups));
}

// RFC 7761 §4.9.6.
void add_pim_assert(JsonLine& j, const PimAssert& a) {
  j.str("group", a.group.to_string());
  j.str("source", a.source.to_string());
  j.boolean("rpt", a.rpt);
  j.num("metric_preference", a.metric_preference);
  j.num("metric", a.metric);
}

}  // namespace

std::string frame_to_json(uint64_t n, const Frame& f) {
  JsonLine j;
  j.num("frame", n);
  j.str("kind", packet_kind_name(f.kind));
  if (f.kind == PacketKind::drop)
    j.str("drop_reason", std::string(drop_reason_name(f.drop_reason)));
  if (f.is_ipv6) {
    j.str("src", f.src.to_string());
    j.str("dst", f.dst.to_string());
    j.num("hop_limit", f.hop_limit);
  }
  switch (f.kind) {
    case PacketKind::mld_query:
    case PacketKind::mld_report_v1:
    case PacketKind::mld_done:
    case PacketKind::mld_report_v2: add_mld(j, f); break;
    case PacketKind::vrrp:
      j.num("version", f.vrrp.version);
      j.num("vrid", f.vrrp.vrid);
      j.num("priority", f.vrrp.priority);
      j.num("max_adver_int_cs", f.vrrp.max_adver_int_cs);
      j.addrs("addresses", f.vrrp.addresses);
      break;
    case PacketKind::bfd:
      j.str("state", bfd_state_name(f.bfd.state));
      j.num("diag", static_cast<uint64_t>(f.bfd.diag));
      j.num("detect_mult", f.bfd.detect_mult);
      j.num("my_disc", f.bfd.my_disc);
      j.num("your_disc", f.bfd.your_disc);
      j.num("desired_min_tx_us", f.bfd.desired_min_tx_us);
      j.num("required_min_rx_us", f.bfd.required_min_rx_us);
      j.boolean("poll", f.bfd.poll);
      j.boolean("final", f.bfd.final);
      j.num("src_port", f.src_port);
      break;
    case PacketKind::nd_ns:
    case PacketKind::nd_na:
      j.str("target", f.nd.target.to_string());
      if (f.kind == PacketKind::nd_na) {
        j.boolean("router", f.nd.router);
        j.boolean("solicited", f.nd.solicited);
        j.boolean("override", f.nd.override_flag);
        if (f.nd.target_lla) j.str("target_lla", f.nd.target_lla->to_string());
      } else if (f.nd.source_lla) {
        j.str("source_lla", f.nd.source_lla->to_string());
      }
      break;
    case PacketKind::pim_hello: add_pim_hello(j, f.pim.hello); break;
    case PacketKind::pim_join_prune: add_pim_join_prune(j, f.pim.join_prune); break;
    case PacketKind::pim_assert: add_pim_assert(j, f.pim.assert_message); break;
    case PacketKind::mcast_data:
      j.num("protocol", f.walk.upper_protocol);
      if (f.walk.upper_protocol == kProtoUdp && f.walk.upper_len() >= kUdpHeaderLen) {
        j.num("src_port", f.src_port);
        j.num("dst_port", f.dst_port);
      }
      break;
    case PacketKind::other:
    case PacketKind::drop: break;
  }
  return j.done();
}

int decode_pcap_file(const std::string& path, std::ostream& out, std::ostream& err) {
  std::string error;
  auto file = read_pcap(path, error);
  if (!file) {
    err << "tandemctl decode: " << path << ": " << error << "\n";
    return 1;
  }
  if (!convert_to_ethernet(*file, error)) {
    err << "tandemctl decode: " << path << ": " << error << "\n";
    return 1;
  }
  uint64_t n = 0;
  for (const auto& r : file->records) out << frame_to_json(++n, parse_frame(r.data)) << "\n";
  return 0;
}

}  // namespace tandem::wire
