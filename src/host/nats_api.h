// cnats' functions the HDK's NATS connection uses (host/nats_client.h), resolved from libnats.so.3.4 on first use
// (host/lazy_library.h): capsule-nats links cnats itself, every other runner loads it only when a module calls a NATS
// host function.
#pragma once

#include <nats/nats.h>

#include "capsule/result.h"

namespace capsule::host {

// Pointers to the cnats functions of the same names.
struct NatsApi {
  decltype(&::natsConnection_Close) natsConnection_Close;
  decltype(&::natsConnection_Connect) natsConnection_Connect;
  decltype(&::natsConnection_Destroy) natsConnection_Destroy;
  decltype(&::natsConnection_DrainTimeout) natsConnection_DrainTimeout;
  decltype(&::natsConnection_FlushTimeout) natsConnection_FlushTimeout;
  decltype(&::natsConnection_GetConnectedUrl) natsConnection_GetConnectedUrl;
  decltype(&::natsConnection_GetMaxPayload) natsConnection_GetMaxPayload;
  decltype(&::natsConnection_PublishMsg) natsConnection_PublishMsg;
  decltype(&::natsConnection_RequestMsg) natsConnection_RequestMsg;
  decltype(&::natsConnection_Status) natsConnection_Status;
  decltype(&::natsConnection_Subscribe) natsConnection_Subscribe;
  decltype(&::natsMsgHeader_Add) natsMsgHeader_Add;
  decltype(&::natsMsgHeader_Keys) natsMsgHeader_Keys;
  decltype(&::natsMsgHeader_Values) natsMsgHeader_Values;
  decltype(&::natsMsg_Create) natsMsg_Create;
  decltype(&::natsMsg_Destroy) natsMsg_Destroy;
  decltype(&::natsMsg_GetData) natsMsg_GetData;
  decltype(&::natsMsg_GetDataLength) natsMsg_GetDataLength;
  decltype(&::natsMsg_GetSubject) natsMsg_GetSubject;
  decltype(&::natsMsg_IsNoResponders) natsMsg_IsNoResponders;
  decltype(&::natsOptions_Create) natsOptions_Create;
  decltype(&::natsOptions_Destroy) natsOptions_Destroy;
  decltype(&::natsOptions_LoadCATrustedCertificates) natsOptions_LoadCATrustedCertificates;
  decltype(&::natsOptions_LoadCertificatesChain) natsOptions_LoadCertificatesChain;
  decltype(&::natsOptions_SetAllowReconnect) natsOptions_SetAllowReconnect;
  decltype(&::natsOptions_SetClosedCB) natsOptions_SetClosedCB;
  decltype(&::natsOptions_SetDisconnectedCB) natsOptions_SetDisconnectedCB;
  decltype(&::natsOptions_SetErrorHandler) natsOptions_SetErrorHandler;
  decltype(&::natsOptions_SetMaxReconnect) natsOptions_SetMaxReconnect;
  decltype(&::natsOptions_SetName) natsOptions_SetName;
  decltype(&::natsOptions_SetReconnectBufSize) natsOptions_SetReconnectBufSize;
  decltype(&::natsOptions_SetReconnectWait) natsOptions_SetReconnectWait;
  decltype(&::natsOptions_SetReconnectedCB) natsOptions_SetReconnectedCB;
  decltype(&::natsOptions_SetSecure) natsOptions_SetSecure;
  decltype(&::natsOptions_SetServers) natsOptions_SetServers;
  decltype(&::natsOptions_SetTimeout) natsOptions_SetTimeout;
  decltype(&::natsOptions_SetToken) natsOptions_SetToken;
  decltype(&::natsOptions_SetUserCredentialsFromFiles) natsOptions_SetUserCredentialsFromFiles;
  decltype(&::natsStatus_GetText) natsStatus_GetText;
  decltype(&::natsSubscription_Destroy) natsSubscription_Destroy;
  decltype(&::natsSubscription_SetOnCompleteCB) natsSubscription_SetOnCompleteCB;
  decltype(&::natsSubscription_SetPendingLimits) natsSubscription_SetPendingLimits;
  decltype(&::natsSubscription_Unsubscribe) natsSubscription_Unsubscribe;
  decltype(&::nats_GetLastError) nats_GetLastError;
};

// cnats, loaded once. Errors: kNotFound when it cannot be loaded (named).
Result<const NatsApi*> Nats();

}  // namespace capsule::host
