/// Everything that can go wrong in the Kademlia DHT: bad wire input, limits, refused requests.
public enum KadError: Error, Equatable, Sendable {
    /// The protobuf bytes could not be scanned.
    case malformed(ProtoWire.Error)
    /// A `Message.type` outside PUT_VALUE…PING.
    case unknownMessageType(UInt64)
    /// A length-prefixed frame longer than `KadMessage.maxSize`.
    case messageTooLarge(length: UInt64, limit: Int)
    /// A frame whose length prefix is not a valid uvarint.
    case badLength(Varint.DecodeError)
    /// A key longer than `KadMessage.maxKeySize`.
    case keyTooLarge(Int)
    /// A PUT_VALUE record whose value is over `RecordStore.maxValueSize`, or whose key differs from the message key.
    case badRecord(String)
    /// The peer sent more ADD_PROVIDERs than `ProviderStore.addRate` allows.
    case rateLimited(PeerID)
}
