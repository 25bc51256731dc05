/// Why a multistream-select negotiation failed. Every case is fatal for the negotiation.
public enum MultistreamError: Error, Equatable, Sendable {
    /// A message announced more than `MultistreamSelect.maxMessageLength` bytes.
    case messageTooLong(Int)
    /// A message was empty or not UTF-8.
    case malformedMessage
    /// A message did not end with `\n`.
    case missingNewline
    /// The first message was not `/multistream/1.0.0`.
    case unexpectedHeader(String)
    /// The listener answered our proposal with something other than an echo or `na`.
    case unexpectedResponse(String)
    /// The listener refused every proposal (the list is what we offered).
    case noProtocolInCommon([String])
    /// The dialer had more proposals (or `ls` requests) refused than `maxRejectedProposals`.
    case tooManyAttempts(Int)
    /// The length prefix was not a valid uvarint.
    case varint(Varint.DecodeError)
}
