// Compile-time schemas: a StrictTracer's spans accept only the tag keys its Schema lists.
// Include this where you declare one (it compiles Boost.Hana, which TRACE_SCOPE does not).
//
//   using CheckoutSchema = zspan::Schema<tags::http_method, tags::http_status_code>;
//   zspan::StrictTracer<CheckoutSchema, zspan::AlwaysOnSampler, Exporter> checkout{"checkout"};
//   TRACE_SCOPE_WITH(checkout, "pay", tags::http_method = "POST");
//   TRACE_SCOPE_WITH(checkout, "pay", tags::db_statement = q);   // error: not in the schema
//
// A Schema is a Boost.Hana map from key name to value type. Keys are looked up by name,
// so a key declared twice (two TagKeys of one name) must agree on the type. The checks
// apply to the tags given to TRACE_SCOPE_WITH(strict_tracer, ...), compiled out too. A
// run-time key (DynamicTagKey) is refused there: a schema cannot check a name it does not
// know, so it never slips past one.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/find.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/optional.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/type.hpp>

#include "zspan/instrument/tag_key.hpp"
#include "zspan/instrument/internal/tag_writer.hpp"
#include "zspan/trace/tracer.hpp"

namespace zspan {

// The compile errors of a tag a schema does not accept. GCC and Clang print the key name
// and the types as the template arguments of the struct they instantiate.
template <FixedName Key, class Schema>
struct tag_key_not_in_schema {
  static_assert(detail::always_false<Schema>,
                "zspan: this tracer's schema does not list this tag key; see 'tag_key_not_in_schema<key, schema>'");
};
template <FixedName Key, class SchemaType, class KeyType>
struct tag_key_type_differs_from_schema {
  static_assert(detail::always_false<KeyType>,
                "zspan: this tag key is declared with another value type than the schema's key of the same name; see "
                "'tag_key_type_differs_from_schema<key, schema type, key type>'");
};

template <class Schema>
struct run_time_key_in_strict_schema {
  static_assert(detail::always_false<Schema>,
                "zspan: a StrictTracer's schema checks tag keys at compile time, so its spans take no DynamicTagKey; "
                "list a TagKey in the schema, or use a Tracer");
};

namespace detail {

// A key's name as a Hana compile-time string: the schema's lookup key.
template <class Key>
constexpr auto hana_name() noexcept {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return boost::hana::string_c<Key::name.chars[I]...>;
  }(std::make_index_sequence<Key::name.view().size()>{});
}

}  // namespace detail

template <auto... Keys>
struct Schema {
  static constexpr auto types = boost::hana::make_map(boost::hana::make_pair(
      detail::hana_name<decltype(Keys)>(), boost::hana::type_c<typename decltype(Keys)::value_type>)...);

  template <class Key>
  static constexpr bool admits() noexcept {
    if constexpr (detail::is_dynamic_key<Key>) {
      static_cast<void>(sizeof(run_time_key_in_strict_schema<Schema>));
    } else {
      constexpr auto declared = boost::hana::find(types, detail::hana_name<Key>());
      if constexpr (boost::hana::is_nothing(declared)) {
        static_cast<void>(sizeof(tag_key_not_in_schema<Key::name, Schema>));
      } else {
        using Declared = typename std::remove_cvref_t<decltype(*declared)>::type;
        if constexpr (!std::same_as<Declared, typename Key::value_type>)
          static_cast<void>(sizeof(tag_key_type_differs_from_schema<Key::name, Declared, typename Key::value_type>));
      }
    }
    return true;
  }
};

// A Tracer whose spans started by TRACE_SCOPE_WITH accept only the tags of SchemaT.
// Everything else is the wrapped Tracer's (pass tracer() where a TracerBase is wanted).
template <class SchemaT, Sampler SamplerT, Exporter ExporterT>
class StrictTracer {
 public:
  using schema = SchemaT;
  using sampler_type = SamplerT;

  template <class... ExporterArgs>
  explicit StrictTracer(std::string_view service, SamplerT sampler = {}, ExporterArgs&&... exporter_args)
      : tracer_(service, std::move(sampler), std::forward<ExporterArgs>(exporter_args)...) {}

  Tracer<SamplerT, ExporterT>& tracer() noexcept { return tracer_; }
  ExporterT& exporter() noexcept { return tracer_.exporter(); }
  SamplerT& sampler() noexcept { return tracer_.sampler(); }
  // What start_span asks of a tracer.
  bool should_sample(const SamplingInput& in) noexcept { return tracer_.should_sample(in); }
  std::uint16_t slot() const noexcept { return tracer_.slot(); }

 private:
  Tracer<SamplerT, ExporterT> tracer_;
};

template <class SchemaT, class SamplerT, class ExporterT>
struct detail::schema_of<StrictTracer<SchemaT, SamplerT, ExporterT>> {
  using type = SchemaT;
};

}  // namespace zspan
