#include "host/nats_api.h"

#include "host/lazy_library.h"

namespace capsule::host {

Result<const NatsApi*> Nats() {
  static const Result<const NatsApi*>* loaded = [] {
    static LazyLibrary library("libnats.so.3.4");
    static NatsApi api;
    Status st = Status::Ok();
    auto bind = [&](const char* name, auto& fn) {
      if (st) st = Bind(library, name, fn);
    };
    bind("natsConnection_Close", api.natsConnection_Close);
    bind("natsConnection_Connect", api.natsConnection_Connect);
    bind("natsConnection_Destroy", api.natsConnection_Destroy);
    bind("natsConnection_DrainTimeout", api.natsConnection_DrainTimeout);
    bind("natsConnection_FlushTimeout", api.natsConnection_FlushTimeout);
    bind("natsConnection_GetConnectedUrl", api.natsConnection_GetConnectedUrl);
    bind("natsConnection_GetMaxPayload", api.natsConnection_GetMaxPayload);
    bind("natsConnection_PublishMsg", api.natsConnection_PublishMsg);
    bind("natsConnection_RequestMsg", api.natsConnection_RequestMsg);
    bind("natsConnection_Status", api.natsConnection_Status);
    bind("natsConnection_Subscribe", api.natsConnection_Subscribe);
    bind("natsMsgHeader_Add", api.natsMsgHeader_Add);
    bind("natsMsgHeader_Keys", api.natsMsgHeader_Keys);
    bind("natsMsgHeader_Values", api.natsMsgHeader_Values);
    bind("natsMsg_Create", api.natsMsg_Create);
    bind("natsMsg_Destroy", api.natsMsg_Destroy);
    bind("natsMsg_GetData", api.natsMsg_GetData);
    bind("natsMsg_GetDataLength", api.natsMsg_GetDataLength);
    bind("natsMsg_GetSubject", api.natsMsg_GetSubject);
    bind("natsMsg_IsNoResponders", api.natsMsg_IsNoResponders);
    bind("natsOptions_Create", api.natsOptions_Create);
    bind("natsOptions_Destroy", api.natsOptions_Destroy);
    bind("natsOptions_LoadCATrustedCertificates", api.natsOptions_LoadCATrustedCertificates);
    bind("natsOptions_LoadCertificatesChain", api.natsOptions_LoadCertificatesChain);
    bind("natsOptions_SetAllowReconnect", api.natsOptions_SetAllowReconnect);
    bind("natsOptions_SetClosedCB", api.natsOptions_SetClosedCB);
    bind("natsOptions_SetDisconnectedCB", api.natsOptions_SetDisconnectedCB);
    bind("natsOptions_SetErrorHandler", api.natsOptions_SetErrorHandler);
    bind("natsOptions_SetMaxReconnect", api.natsOptions_SetMaxReconnect);
    bind("natsOptions_SetName", api.natsOptions_SetName);
    bind("natsOptions_SetReconnectBufSize", api.natsOptions_SetReconnectBufSize);
    bind("natsOptions_SetReconnectWait", api.natsOptions_SetReconnectWait);
    bind("natsOptions_SetReconnectedCB", api.natsOptions_SetReconnectedCB);
    bind("natsOptions_SetSecure", api.natsOptions_SetSecure);
    bind("natsOptions_SetServers", api.natsOptions_SetServers);
    bind("natsOptions_SetTimeout", api.natsOptions_SetTimeout);
    bind("natsOptions_SetToken", api.natsOptions_SetToken);
    bind("natsOptions_SetUserCredentialsFromFiles", api.natsOptions_SetUserCredentialsFromFiles);
    bind("natsStatus_GetText", api.natsStatus_GetText);
    bind("natsSubscription_Destroy", api.natsSubscription_Destroy);
    bind("natsSubscription_SetOnCompleteCB", api.natsSubscription_SetOnCompleteCB);
    bind("natsSubscription_SetPendingLimits", api.natsSubscription_SetPendingLimits);
    bind("natsSubscription_Unsubscribe", api.natsSubscription_Unsubscribe);
    bind("nats_GetLastError", api.nats_GetLastError);
    return st ? new Result<const NatsApi*>(&api) : new Result<const NatsApi*>(st.take_error());
  }();
  return *loaded;
}

}  // namespace capsule::host
