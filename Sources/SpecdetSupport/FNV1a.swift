/// The 64-bit FNV-1a hash of a byte string (offset basis 0xCBF29CE484222325, prime
/// 0x100000001B3): a stable, platform-independent hash of paths and images for seeds and
/// shards. `continuing` is the hash of the bytes before these (the offset basis: none), so a
/// string hashed in parts hashes as a whole.
@inlinable
package func fnv1a64(_ bytes: some Sequence<UInt8>, continuing hash: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
    bytes.reduce(hash) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
}
