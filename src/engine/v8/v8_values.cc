// Wire forms: how the V8 backend's Values cross JS (see v8_internal.h), exactly, for every value type.
#include "engine/v8/trampoline_wasm.h"
#include "engine/v8/v8_internal.h"

namespace capsule::internal {
namespace {

v8::Local<v8::Value> I64ToJs(v8::Isolate* isolate, int64_t v) {
  return v8::BigInt::New(isolate, v);
}

bool I64FromJs(v8::Local<v8::Value> js, int64_t* out) {
  if (!js->IsBigInt()) return false;
  *out = js.As<v8::BigInt>()->Int64Value();
  return true;
}

// Wasm hands over Smis or heap numbers for i32 (and f32 bits), so the context-free accessors suffice.
bool I32FromJs(v8::Local<v8::Value> js, int32_t* out) {
  if (js->IsInt32()) {
    *out = js.As<v8::Int32>()->Value();
    return true;
  }
  if (!js->IsNumber()) return false;
  *out = static_cast<int32_t>(js.As<v8::Number>()->Value());
  return true;
}

}  // namespace

bool RefToJs(v8::Isolate* isolate, const Value& v, v8::Local<v8::Value>* out) {
  if (v.is_null()) {
    *out = v8::Null(isolate);
    return true;
  }
  if (v.type == ValType::kExternRef) {
    *out = v8::BigInt::NewFromUnsigned(isolate, reinterpret_cast<uintptr_t>(v.externref()));
    return true;
  }
  const auto* f = dynamic_cast<const V8Function*>(v.funcref());
  if (!f || f->isolate() != isolate) return false;
  *out = f->Get();
  return true;
}

bool ToWireSlow(v8::Isolate* isolate, const Value& v, v8::Local<v8::Value>* out) {
  switch (v.type) {
    case ValType::kI32: *out = v8::Integer::New(isolate, v.i32()); return true;
    case ValType::kI64: *out = I64ToJs(isolate, v.i64()); return true;
    case ValType::kF32: *out = v8::Integer::New(isolate, static_cast<int32_t>(v.f32_bits())); return true;
    case ValType::kF64: *out = I64ToJs(isolate, static_cast<int64_t>(v.f64_bits())); return true;
    case ValType::kV128:
      out[0] = I64ToJs(isolate, v.v128().lane<int64_t>(0));
      out[1] = I64ToJs(isolate, v.v128().lane<int64_t>(1));
      return true;
    case ValType::kFuncRef:
    case ValType::kExternRef: return RefToJs(isolate, v, out);
  }
  return false;
}

bool FromWireSlow(V8Context& context, ValType t, const v8::Local<v8::Value>* in, Value* out) {
  switch (t) {
    case ValType::kI32: {
      int32_t v;
      if (!I32FromJs(in[0], &v)) return false;
      *out = Value::I32(v);
      return true;
    }
    case ValType::kI64: {
      int64_t v;
      if (!I64FromJs(in[0], &v)) return false;
      *out = Value::I64(v);
      return true;
    }
    case ValType::kF32: {
      int32_t bits;
      if (!I32FromJs(in[0], &bits)) return false;
      *out = Value::F32Bits(static_cast<uint32_t>(bits));
      return true;
    }
    case ValType::kF64: {
      int64_t bits;
      if (!I64FromJs(in[0], &bits)) return false;
      *out = Value::F64Bits(static_cast<uint64_t>(bits));
      return true;
    }
    case ValType::kV128: {
      int64_t lo, hi;
      if (!I64FromJs(in[0], &lo) || !I64FromJs(in[1], &hi)) return false;
      V128 v;
      v.set_lane<int64_t>(0, lo);
      v.set_lane<int64_t>(1, hi);
      *out = Value::V128(v);
      return true;
    }
    case ValType::kExternRef: {
      if (in[0]->IsNull()) {
        *out = Value::ExternRef(nullptr);
        return true;
      }
      if (!in[0]->IsBigInt()) return false;  // not a value the host made (WebAssembly's JS default, undefined)
      bool lossless = true;
      const uint64_t bits = in[0].As<v8::BigInt>()->Uint64Value(&lossless);
      *out = Value::ExternRef(reinterpret_cast<void*>(static_cast<uintptr_t>(bits)));
      return lossless;
    }
    case ValType::kFuncRef: {
      if (in[0]->IsNull()) {
        *out = Value::FuncRef(nullptr);
        return true;
      }
      if (!in[0]->IsFunction()) return false;
      auto f = context.InternFunction(in[0].As<v8::Function>());
      if (!f) return false;
      *out = Value::FuncRef(*f);
      return true;
    }
  }
  return false;
}

}  // namespace capsule::internal
