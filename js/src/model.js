// An in-memory model with the anywidget model interface, for pages with no kernel.

/** localModel({data, step, ...}): get/set/save_changes/on/off/send like an anywidget model.
 *  Like Backbone, set() fires "change:NAME" at once; send() goes nowhere. */
export function localModel(initialState = {}) {
  const values = { ...initialState };
  const handlers = new Map();
  const fire = (event, ...args) => {
    for (const cb of [...(handlers.get(event) || [])]) cb(...args);
  };
  return {
    isLocal: true,
    get: (name) => values[name],
    set(name, value) {
      if (Object.is(values[name], value)) return;
      values[name] = value;
      fire(`change:${name}`, value);
    },
    save_changes() {},
    on(event, cb) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(cb);
    },
    off(event, cb) {
      if (!event) handlers.clear();
      else if (!cb) handlers.delete(event);
      else if (handlers.has(event)) handlers.get(event).delete(cb);
    },
    send() {},
    widget_manager: {
      get_model: async (id) => { throw new Error(`no widget model ${id} on a static page`); },
    },
  };
}
