// A part only some roles use, loaded with import() when first shown; until then
// `waiting(failed)` draws its place (nothing by default).
import { html, useState, useEffect } from '../../vendor/preact-htm.js';

export function later(load, waiting = () => null) {
  let loading = null; // the one import(), started on first use
  let loaded = null; // the component, once it arrived
  const get = () => {
    loading ??= load().then((component) => { loaded = component; return component; }).catch((problem) => {
      loading = null; // offline for a moment: the next showing asks again
      throw problem;
    });
    return loading;
  };
  return function Later(props) {
    const [Component, setComponent] = useState(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Component) return undefined;
      let current = true;
      get().then((component) => { if (current) setComponent(() => component); })
        .catch(() => { if (current) setFailed(true); });
      return () => { current = false; };
    }, []);
    return Component ? html`<${Component} ...${props} />` : waiting(failed);
  };
}
