// The library's users need the protocol types (addresses, UUIDs, error codes, messages) with it.
@_exported import BGAPICore
@_exported import BGAPITransport
