import { SimError } from '../state/errors.js';
import { builtinStory, BUILTIN_STORIES, parseStory, StoryError } from '../story/stories.js';
import type { RestContext, StoryControl } from './context.js';
import type { HandlersFor } from './endpoints.js';

/** /rest/sim/story: play, pause, resume and stop a story (admin). */
export function storyHandlers(ctx: RestContext): HandlersFor<'getStory' | 'postStory' | 'putStory' | 'deleteStory'> {
  const player = (): StoryControl => {
    if (!ctx.story) throw new SimError(503, 'UNAVAILABLE', 'Stories are not available while the simulator is stopping');
    return ctx.story;
  };
  return {
    getStory: () => player().status(),

    postStory: ({ body }) => {
      let story;
      if ('name' in body) {
        // Over REST only built-in names: a path would let a client read files of the machine.
        story = builtinStory(body.name);
        if (!story)
          throw new SimError(
            400,
            'INVALID_STORY',
            `No built-in story "${body.name}" (built in: ${BUILTIN_STORIES.join(', ')}); send a file's content as {"story": {...}}`,
          );
      } else {
        try {
          story = parseStory(body.story, 'in the request body');
        } catch (err) {
          if (err instanceof StoryError) throw new SimError(400, 'INVALID_STORY', err.message);
          throw err;
        }
      }
      const status = player().start(story, body.speed);
      ctx.log('info', 'story started', { story: story.name, steps: story.steps.length, speed: body.speed });
      return status;
    },

    putStory: ({ body }) => player().setPaused(body.paused),

    deleteStory: () => player().stop(),
  };
}
