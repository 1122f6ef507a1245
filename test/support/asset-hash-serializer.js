// Masks 64-hex asset hashes (and the asset file names built from them) so snapshots are stable across
// machines, checkout folders and esbuild versions. Only strings that contain such a hash are rewritten.
const HASH = /[0-9a-f]{64}/g;
module.exports = {
  test: (value) => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value) => JSON.stringify(value.replace(HASH, '[ASSET-HASH]')),
};
