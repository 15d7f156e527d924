// bottleneck ships types for its main entry only; light.js (no Redis clustering) is the same API,
// and is what @octokit/plugin-throttling itself uses.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
